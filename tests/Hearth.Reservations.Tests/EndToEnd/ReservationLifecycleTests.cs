using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Hearth.Protocol.Rest;

namespace Hearth.Reservations.Tests.EndToEnd;

[Collection(ReservationClusterGroup.Name)]
public sealed class ReservationLifecycleTests(ReservationCluster cluster)
{
    private async Task<long> AddAsync(string user, string algorithm, int count)
    {
        var added = await cluster.RunAsync("reservations", "add", "--calling-user", user, "--algorithm", algorithm,
            "--version-type", "latest_public", "--count", $"{count}", "--json");
        Assert.True(added.ExitCode == 0, $"reservations add: {added}");
        return added.Json.GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task ReservedInstancesOutliveTheIdleTimeoutAndTheAccountsFirstCallAfterALongIdleIsWarm()
    {
        using var alice = await cluster.UserAsync("idle-alice");
        await cluster.PublishAsync("idle-alice/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        var id = await AddAsync("idle-alice", "idle-alice/echo", 2);
        await using var cleanup = cluster.Removing(id);

        var ready = await cluster.WaitForStateAsync(id, ReservationStates.Ready);
        Assert.Equal((2, 2, 0), (ready.Status.Desired, ready.Status.Ready, ready.Status.Starting));
        var reserved = (await cluster.InstancesAsync("idle-alice")).Where(i => i.Reserved).Select(i => i.Id).Order().ToList();
        Assert.Equal(2, reserved.Count);

        // A long idle, shown by an unreserved instance that went idle after the reserved ones and has since been stopped
        // by the idle timeout: by then the reserved ones have been idle longer, and the timeout has passed them over.
        using var carol = await cluster.UserAsync("idle-carol");
        await cluster.PublishAsync("idle-carol/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        _ = await ReservationCluster.CallAsync(carol, "idle-carol/echo", "\"a call that leaves an unreserved instance\"");
        var unreserved = Assert.Single(await cluster.InstancesAsync("idle-carol")).Id;
        await cluster.WaitUntilAsync("the idle timeout to stop the unreserved instance",
            async () => (await cluster.InstancesAsync("idle-carol")).All(i => i.Id != unreserved));
        var after = await cluster.InstancesAsync("idle-alice");
        Assert.Equal(reserved, after.Where(i => i.Reserved && i.State == "idle").Select(i => i.Id).Order());

        var (coldStart, version, result) = await ReservationCluster.CallAsync(alice, "idle-alice/echo", "\"after a long idle\"");
        Assert.False(coldStart);
        Assert.Equal(("1.0.0", "v1", "after a long idle"), (version, result.GetProperty("tag").GetString(), result.GetProperty("echo").GetString()));
        Assert.Equal(new ReservationCallsView(1, 0), (await cluster.ReservationAsync(id)).Calls);

        var list = await cluster.RunAsync("reservations", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var listed = list.Json.GetProperty("reservations").EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id);
        Assert.Equal(("idle-alice", "idle-alice/echo", "latest_public", 2),
            (listed.GetProperty("calling_user").GetString(), listed.GetProperty("algorithm").GetString(), listed.GetProperty("version_type").GetString(), listed.GetProperty("count").GetInt32()));
        var status = listed.GetProperty("status");
        Assert.Equal((2, 2, 0, "ready", "2 warm on 1.0.0"),
            (status.GetProperty("desired").GetInt32(), status.GetProperty("ready").GetInt32(), status.GetProperty("starting").GetInt32(),
             status.GetProperty("state").GetString(), status.GetProperty("reason").GetString()![..15]));
    }

    [Fact]
    public async Task AnotherAccountsCallsNeverUseTheReservedInstances()
    {
        using var owner = await cluster.UserAsync("other-alice");
        using var bob = await cluster.UserAsync("other-bob");
        await cluster.PublishAsync("other-alice/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        var id = await AddAsync("other-alice", "other-alice/echo", 1);
        await using var cleanup = cluster.Removing(id);
        await cluster.WaitForStateAsync(id, ReservationStates.Ready);

        var (coldStart, _, _) = await ReservationCluster.CallAsync(bob, "other-alice/echo", "\"bob\"");
        Assert.True(coldStart);
        var bobs = Assert.Single(await cluster.InstancesAsync("other-bob"));
        Assert.Equal((false, 1L), (bobs.Reserved, bobs.CallsServed));
        var alices = Assert.Single(await cluster.InstancesAsync("other-alice"));
        Assert.Equal((true, 0L), (alices.Reserved, alices.CallsServed));
        Assert.Equal(new ReservationCallsView(0, 0), (await cluster.ReservationAsync(id)).Calls);

        await cluster.WaitUntilAsync("bob's on-demand instance to stop after the idle timeout",
            async () => (await cluster.InstancesAsync("other-bob")).Count == 0, TimeSpan.FromSeconds(30));
        Assert.Equal(alices.Id, Assert.Single(await cluster.InstancesAsync("other-alice")).Id);
    }

    [Fact]
    public async Task RemovingAReservationReturnsItsInstancesToTheOrdinaryIdlePool()
    {
        using var alice = await cluster.UserAsync("removal-alice");
        await cluster.PublishAsync("removal-alice/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        var id = await AddAsync("removal-alice", "removal-alice/echo", 2);
        await using var cleanup = cluster.Removing(id);
        await cluster.WaitForStateAsync(id, ReservationStates.Ready);

        var removed = await cluster.RunAsync("reservations", "remove", $"{id}");
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Admin.GetAsync(new Uri($"/v1/admin/reservations/{id}", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        await cluster.WaitUntilAsync("the instances to be ordinary idle ones", async () =>
            (await cluster.InstancesAsync("removal-alice")) is { Count: 2 } instances && instances.All(i => !i.Reserved && i.State == "idle"),
            TimeSpan.FromSeconds(10));
        var (coldStart, _, _) = await ReservationCluster.CallAsync(alice, "removal-alice/echo", "\"still warm\"");
        Assert.False(coldStart);
        await cluster.WaitUntilAsync("the released instances to stop after the idle timeout",
            async () => (await cluster.InstancesAsync("removal-alice")).Count == 0, TimeSpan.FromSeconds(30));

        var again = await cluster.RunAsync("reservations", "remove", $"{id}");
        Assert.Equal((1, $"hearth: reservation {id} not found\n"), (again.ExitCode, again.Stderr));
    }

    [Fact]
    public async Task APublishRollsTheReservationToTheNewBuildWithNoDip()
    {
        using var alice = await cluster.UserAsync("roll-alice");
        await cluster.PublishAsync("roll-alice/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        var id = await AddAsync("roll-alice", "roll-alice/echo", 2);
        await using var cleanup = cluster.Removing(id);
        await cluster.WaitForStateAsync(id, ReservationStates.Ready);

        using var stop = new CancellationTokenSource();
        var warmCounts = new ConcurrentBag<int>();
        var calls = new ConcurrentQueue<(bool ColdStart, string? Tag)>();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var instances = await cluster.InstancesAsync("roll-alice");
                warmCounts.Add(instances.Count(i => i.Reserved && i.State is "idle" or "busy"));
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);
        var caller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (coldStart, _, result) = await ReservationCluster.CallAsync(alice, "roll-alice/echo", "\"during the roll\"");
                calls.Enqueue((coldStart, result.GetProperty("tag").GetString()));
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        await cluster.PublishAsync("roll-alice/echo", Algorithms.Echo(cluster.WorkDirectory, "v2", loadSeconds: 1.5), "1.1.0");
        ReservationView? rolled = null;
        await cluster.WaitUntilAsync("the reservation to be warm on 1.1.0 alone", async () =>
        {
            rolled = await cluster.ReservationAsync(id);
            return rolled.Status is { State: ReservationStates.Ready, Version: "1.1.0", Retiring: 0 };
        });
        var rollTime = clock.Elapsed;
        await cluster.WaitUntilAsync("a call answered by the new build", () => Task.FromResult(calls.Any(c => c.Tag == "v2")), TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await Task.WhenAll(sampler, caller);

        Assert.True(warmCounts.Min() >= 2, $"warm reserved instances dipped to {warmCounts.Min()} during the roll");
        Assert.All(calls, c => Assert.False(c.ColdStart));
        Assert.Contains(calls, c => c.Tag == "v1");
        var instances = await cluster.InstancesAsync("roll-alice");
        Assert.Equal(2, instances.Count(i => i.Reserved && i.Version == "1.1.0"));
        Assert.True(rollTime < TimeSpan.FromSeconds(30), $"the roll took {rollTime}");
        TestContext.Current.SendDiagnosticMessage($"roll to 1.1.0 took {rollTime.TotalSeconds:0.0}s; {calls.Count} calls, all warm; {warmCounts.Count} samples, minimum {warmCounts.Min()} warm");
    }

    [Fact]
    public async Task ABuildThatExitsDuringLoadMakesTheReservationFailWithItsLastLogLine()
    {
        using var alice = await cluster.UserAsync("failing-alice");
        await cluster.PublishAsync("failing-alice/model", Algorithms.FailsToLoad(cluster.WorkDirectory, "ModuleNotFoundError: No module named 'torch'"), "1.0.0");
        var id = await AddAsync("failing-alice", "failing-alice/model", 1);
        await using var cleanup = cluster.Removing(id);

        var failing = await cluster.WaitForStateAsync(id, ReservationStates.Failing);
        Assert.StartsWith("instance exits during load: ModuleNotFoundError: No module named 'torch' (", failing.Status.Reason, StringComparison.Ordinal);
        Assert.Equal((1, 0), (failing.Status.Desired, failing.Status.Ready));
        var removed = await cluster.RunAsync("reservations", "remove", $"{id}");
        Assert.Equal(0, removed.ExitCode);
    }

    [Fact]
    public async Task AReservationSurvivesARestartOfTheCluster()
    {
        using (var before = await cluster.UserAsync("restart-alice"))
        {
            await cluster.PublishAsync("restart-alice/echo", Algorithms.Echo(cluster.WorkDirectory, "v1"), "1.0.0");
        }

        var id = await AddAsync("restart-alice", "restart-alice/echo", 2);
        await using var cleanup = cluster.Removing(id);
        await cluster.WaitForStateAsync(id, ReservationStates.Ready);
        var updated = await cluster.RunAsync("reservations", "update", $"{id}", "--count", "1");
        Assert.True(updated.ExitCode == 0, updated.ToString());

        await cluster.RestartAsync();

        var again = await cluster.WaitForStateAsync(id, ReservationStates.Ready);
        Assert.Equal(("restart-alice", "restart-alice/echo", "latest_public", 1, 1),
            (again.CallingUser, again.Algorithm, again.VersionType, again.Count, again.Status.Ready));
        var key = await (await cluster.Admin.PostAsync(new Uri("/v1/accounts/restart-alice/keys", UriKind.Relative), null, TestContext.Current.CancellationToken))
            .Content.ReadFromJsonAsync<KeyCreatedView>(ApiJson.Options, TestContext.Current.CancellationToken);
        using var alice = cluster.Client(key!.Key);
        var (coldStart, _, _) = await ReservationCluster.CallAsync(alice, "restart-alice/echo", "\"after the restart\"");
        Assert.False(coldStart);
    }

    [Fact]
    public async Task WhenItsReservedInstanceIsBusyTheAccountsNextCallSpillsOverAndIsCountedSo()
    {
        using var alice = await cluster.UserAsync("spill-alice");
        await cluster.PublishAsync("spill-alice/sleeper", Algorithms.Sleeper(cluster.WorkDirectory), "1.0.0");
        var id = await AddAsync("spill-alice", "spill-alice/sleeper", 1);
        await using var cleanup = cluster.Removing(id);
        await cluster.WaitForStateAsync(id, ReservationStates.Ready);

        var slow = ReservationCluster.CallAsync(alice, "spill-alice/sleeper", "3");
        await cluster.WaitUntilAsync("the reserved instance to be busy", async () =>
            (await cluster.InstancesAsync("spill-alice")).Any(i => i.Reserved && i.State == "busy"), TimeSpan.FromSeconds(10));
        var (spilledCold, _, _) = await ReservationCluster.CallAsync(alice, "spill-alice/sleeper", "0");
        var instances = await cluster.InstancesAsync("spill-alice");
        Assert.Equal((1, 1), (instances.Count(i => i.Reserved), instances.Count(i => !i.Reserved)));
        var (slowCold, _, _) = await slow;

        Assert.Equal((false, true), (slowCold, spilledCold));
        Assert.Equal(new ReservationCallsView(1, 1), (await cluster.ReservationAsync(id)).Calls);
    }
}
