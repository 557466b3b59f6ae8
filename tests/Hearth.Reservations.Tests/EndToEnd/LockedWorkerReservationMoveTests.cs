namespace Hearth.Reservations.Tests.EndToEnd;

[Collection(ReservationClusterGroup.Name)]
public sealed class LockedWorkerReservationMoveTests(ReservationCluster cluster)
{
    [Fact]
    public async Task AReservationOnALockedWorkerMovesToTheOtherWithoutEverLosingItsWarmInstance()
    {
        using var alice = await cluster.UserAsync("lock-alice");
        await cluster.PublishAsync("lock-alice/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        var added = await cluster.RunAsync("reservations", "add", "--calling-user", "lock-alice", "--algorithm", "lock-alice/echo",
            "--version-type", "latest_public", "--count", "1", "--json");
        Assert.True(added.ExitCode == 0, $"reservations add: {added}");
        var id = added.Json.GetProperty("id").GetInt64();
        await using var cleanup = cluster.Removing(id);
        await cluster.WaitForStateAsync(id, "ready");
        var before = (await cluster.InstancesAsync("lock-alice")).Single(i => i.Reserved);
        var locked = before.Worker!;

        var locking = await cluster.RunAsync("workers", "lock", locked, "--json");
        Assert.True(locking.ExitCode == 0, locking.ToString());
        try
        {
            await cluster.WaitUntilAsync($"the reserved instance to move off locked worker {locked}", async () =>
            {
                var reserved = (await cluster.InstancesAsync("lock-alice")).Where(i => i.Reserved).ToList();
                // Make-before-break: a warm reserved instance exists at every moment of the move.
                Assert.Contains(reserved, i => i.State is "idle" or "busy");
                return reserved.Count == 1 && reserved[0].Worker != locked && reserved[0].State == "idle" && reserved[0].Id != before.Id;
            });

            var (coldStart, _, result) = await ReservationCluster.CallAsync(alice, "lock-alice/echo", "\"moved\"");
            Assert.False(coldStart);
            Assert.Equal("moved", result.GetProperty("echo").GetString());
        }
        finally
        {
            await cluster.RunAsync("workers", "unlock", locked);
        }
    }
}
