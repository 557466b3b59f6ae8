using Hearth.Supervisor.Storage;

namespace Hearth.Storage.Tests;

/// <summary>What every storage backend must do for the claim one supervisor holds on a store; subclassed once per backend.</summary>
public abstract class StoreClaimContract(TestStores stores) : StorageContract(stores)
{
    [Fact]
    public async Task OnlyOneSupervisorHoldsAStoreAndTheRefusalNamesTheHolder()
    {
        var first = await Store.ClaimAsync(TimeSpan.Zero, Cancel);

        var refused = await Assert.ThrowsAsync<StoreInUseException>(() => Open().ClaimAsync(TimeSpan.FromMilliseconds(300), Cancel));
        await first.DisposeAsync();
        await using var second = await Open().ClaimAsync(TimeSpan.Zero, Cancel);

        Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", refused.Message, StringComparison.Ordinal);
        Assert.False(second.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task AWaitingSupervisorTakesTheStoreAsSoonAsItIsReleased()
    {
        var first = await Store.ClaimAsync(TimeSpan.Zero, Cancel);
        var waiting = Open().ClaimAsync(TimeSpan.FromSeconds(30), Cancel);

        await Task.Delay(TimeSpan.FromMilliseconds(700), Cancel);
        Assert.False(waiting.IsCompleted);
        await first.DisposeAsync();
        await using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Cancel);

        Assert.False(taken.Lost.IsCancellationRequested);
    }
}
