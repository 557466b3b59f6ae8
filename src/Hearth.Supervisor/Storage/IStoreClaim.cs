namespace Hearth.Supervisor.Storage;

/// <summary>One supervisor's hold on a store. <see cref="Lost"/> fires if the hold could not be kept, after which another supervisor may take it.</summary>
public interface IStoreClaim : IAsyncDisposable
{
    CancellationToken Lost { get; }
}
