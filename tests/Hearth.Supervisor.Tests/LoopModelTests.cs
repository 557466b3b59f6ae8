using CsCheck;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// Random interleavings of what clients, workers and the loop do, on the loop's state and its real instance owner:
/// job submissions and kills; calls beyond capacity, callers leaving, instances loading, crashing and stopping;
/// workers connecting, cut off, expiring, restarting and returning; reserved instances started, released and
/// stopped; time passing. After every step nothing has thrown, the ledger books exactly what running work holds,
/// and no work on it is unknown to both the jobs and the pool (unless its release is already on its way to the
/// loop). At the end, with every worker back and time run out, every call has had exactly one answer.
/// </summary>
public sealed class LoopModelTests
{
    private static readonly Gen<LoopStep> Step = Gen.Select(Gen.Int[0, LoopStep.Kinds - 1], Gen.Int[0, 1000], Gen.Int[0, 1000], (k, a, b) => new LoopStep(k, a, b));

    [Fact]
    public void NoInterleavingOfClientsWorkersAndTheLoopBreaksTheLoopOrTheLedgerOrLosesACall()
    {
        Step.Array[1, 80].Sample(steps =>
        {
            using var world = new LoopWorld(("w1", 2), ("w2", 3));
            world.Connect("w1");
            world.Connect("w2");
            foreach (var step in steps)
            {
                step.Apply(world);
                LoopInvariants.Check(world);
            }

            LoopInvariants.SettleAndCheckEveryCallAnswered(world);
        }, iter: 2000, threads: 1, print: steps => string.Join(", ", steps));
    }

    /// <summary>Shrunk from the property: a waiting caller left, the tick let its instance go, and the loop then queued that instance's work.</summary>
    [Fact]
    public void ACallerLeavingBeforeTheLoopQueuesItsInstanceLeavesNothingOnTheLedger() => Replay(
        new(13, 279, 624), new(2, 263, 890), new(0, 204, 48), new(15, 229, 901), new(2, 2, 764), new(10, 340, 643), new(14, 545, 98), new(5, 421, 147));

    /// <summary>Shrunk from the property: a reservation let go of an instance that had already gone.</summary>
    [Fact]
    public void ReleasingAReservedInstanceThatIsAlreadyGoneChangesNothing() => Replay(
        new(0, 14, 431), new(5, 738, 766), new(15, 619, 450), new(12, 495, 863), new(5, 851, 536), new(12, 525, 861), new(16, 834, 321),
        new(17, 528, 405), new(11, 130, 759), new(16, 319, 836), new(5, 978, 645), new(0, 66, 628));

    private static void Replay(params LoopStep[] steps)
    {
        using var world = new LoopWorld(("w1", 2), ("w2", 3));
        world.Connect("w1");
        world.Connect("w2");
        foreach (var step in steps)
        {
            step.Apply(world);
            LoopInvariants.Check(world);
        }

        LoopInvariants.SettleAndCheckEveryCallAnswered(world);
    }

    [Fact]
    public async Task AnInstanceLetGoBeforeTheLoopTakesItsWorkIsNeverQueued()
    {
        using var world = new LoopWorld(("w1", 2));
        world.Connect("w1");
        var first = world.Call(0, 0, TimeSpan.FromSeconds(30));
        world.Cycle();
        Assert.True(world.Report("w1", 0));
        world.ReadOutboxes();
        Assert.Single(world.Workers["w1"].Instances.Values, i => i.CallId is not null);

        // A second call waits and starts a second instance, whose work the loop has not taken yet when the first
        // instance frees up and takes the waiting call: the warm pool lets the second instance go.
        var second = world.Call(0, 0, TimeSpan.FromSeconds(30));
        Assert.Single(world.Inbox);
        Assert.True(world.Report("w1", 0));
        world.Tick();
        world.Cycle();
        LoopInvariants.Check(world);

        Assert.Empty(world.State.Cluster.Pending);
        Assert.Single(world.State.Cluster.Running);
        Assert.Equal(CallStatus.Ok, (await first.Task).Status);
        Assert.True(world.Report("w1", 0));
        Assert.Equal(CallStatus.Ok, (await second.Task).Status);
        Assert.True(world.State.Audit().Consistent);
    }
}

/// <summary>One thing a client, a worker or the loop does; <see cref="A"/> and <see cref="B"/> pick among what exists.</summary>
internal sealed record LoopStep(int Kind, int A, int B)
{
    public const int Kinds = 18;

    private static readonly string[] Names =
    [
        "Call", "Call", "CallerGone", "Submit", "Kill", "Report", "Report", "Report", "Inbox", "Place", "Tick", "Cycle",
        "Disconnect", "Connect", "Restart", "Reserve", "Unreserve", "Advance",
    ];

    public void Apply(LoopWorld world)
    {
        var workers = world.Workers.Keys.ToList();
        var worker = workers[A % workers.Count];
        switch (Kind)
        {
            case 0 or 1:
                world.Call(A % 2, B % 5 == 0 ? 1 : 0, TimeSpan.FromSeconds(1 + (B % 10)));
                break;
            case 2:
                if (world.Calls.Count > 0)
                {
                    world.Calls[A % world.Calls.Count].Cancel.Cancel();
                }

                break;
            case 3:
                world.Submit(1 + (A % 3), 1 + (B % 2));
                break;
            case 4:
                var jobs = world.State.ActiveJobs.Keys.Order().ToList();
                if (jobs.Count > 0)
                {
                    world.Kill(jobs[A % jobs.Count]);
                }

                break;
            case 5 or 6 or 7:
                world.Report(worker, B);
                break;
            case 8:
                world.HandleInbox();
                break;
            case 9:
                world.Place();
                break;
            case 10:
                world.Tick();
                break;
            case 11:
                world.Cycle();
                break;
            case 12:
                world.Disconnect(worker);
                break;
            case 13:
                world.Connect(worker);
                break;
            case 14:
                world.Restart(worker);
                break;
            case 15:
                world.Reserve(A % 2, B % 4 == 0 ? 1 : 0);
                break;
            case 16:
                if (world.ReservedInstances.Count > 0)
                {
                    var id = world.ReservedInstances[A % world.ReservedInstances.Count];
                    switch (B % 3)
                    {
                        case 0:
                            world.Pool.Retire(id, "the reservation no longer needs it");
                            break;
                        case 1:
                            world.Pool.Stop(id);
                            break;
                        default:
                            world.Pool.SetReservation(id, null);
                            break;
                    }
                }

                break;
            default:
                // Mostly short steps, now and then past a call's timeout or a worker's heartbeat timeout.
                world.Advance(TimeSpan.FromMilliseconds(B % 4 == 0 ? 31_000 : 100 + (A * 10)));
                break;
        }
    }

    public override string ToString() => $"{Names[Kind]}({A},{B})";
}

internal static class LoopInvariants
{
    /// <summary>The ledger books exactly what running work holds, and every piece of work on it has an owner who knows it.</summary>
    public static void Check(LoopWorld world)
    {
        var cluster = world.State.Cluster;
        var ledger = cluster.Ledger;
        foreach (var host in ledger.HostNames)
        {
            foreach (var usage in ledger.HostUsage(ledger.HostIndex(host)))
            {
                var held = cluster.Running.Where(w => w.Host == host).Sum(w => w.Allocation.AmountOf(usage.Resource));
                Assert.True(usage.Used == held, $"{usage.Resource} on {host}: the ledger says {usage.Used} used, running work holds {held}");
                Assert.InRange(usage.Used, 0, usage.Total);
            }
        }

        var subjobs = world.State.ActiveJobs.Values.SelectMany(j => j.Subjobs).Where(s => !s.State.IsTerminal()).ToDictionary(s => s.WorkId);
        var releasing = world.Inbox.Where(c => c.Release is not null).Select(c => c.Release!).ToHashSet(StringComparer.Ordinal);
        foreach (var work in cluster.Running)
        {
            if (subjobs.TryGetValue(work.Id, out var subjob))
            {
                Assert.True(subjob.State == WorkState.Running && subjob.Host == work.Host,
                    $"the ledger books {work.Id} on {work.Host}, but the subjob is {subjob.State} on {subjob.Host}");
                continue;
            }

            var state = world.Pool.StateOf(work.Id);
            Assert.True(state is not null || releasing.Contains(work.Id), $"the ledger books {work.Id} on {work.Host}, which no subjob or instance is");
        }

        foreach (var request in cluster.Pending)
        {
            if (subjobs.TryGetValue(request.Id, out var subjob))
            {
                Assert.Equal(WorkState.Pending, subjob.State);
                continue;
            }

            Assert.True(world.Pool.StateOf(request.Id) is not null || releasing.Contains(request.Id), $"{request.Id} is queued, but no subjob or instance is");
        }

        foreach (var subjob in subjobs.Values)
        {
            if (subjob.State == WorkState.Running && world.State.Workers.TryGetValue(subjob.Host!, out var entry) && entry.Status != Scheduling.WorkerStatus.Down)
            {
                Assert.True(cluster.FindRunning(subjob.WorkId) is { } work && work.Allocation.Equals(subjob.Allocation),
                    $"subjob {subjob.WorkId} runs on {subjob.Host} but the ledger does not book what it holds");
            }
        }

        if (world.Inbox.Count == 0)
        {
            var audit = world.State.Audit();
            Assert.True(audit.Consistent, string.Join("\n", audit.Problems));
        }

        foreach (var call in world.Calls.Where(c => c.Task.IsCompletedSuccessfully))
        {
            var outcome = call.Task.Result;
            if (outcome.Status == CallStatus.Ok)
            {
                Assert.Equal(call.Payload, System.Text.Encoding.UTF8.GetString(((Hearth.Core.Algorithms.PipeResult)outcome.Response!).Result.Span));
            }
        }
    }

    /// <summary>Every worker back and answering, time past every timeout: each call ends, once, and the ledger is whole.</summary>
    public static void SettleAndCheckEveryCallAnswered(LoopWorld world)
    {
        foreach (var name in world.Workers.Keys)
        {
            world.Connect(name);
        }

        for (var round = 0; round < 200 && (world.Calls.Any(c => !c.Task.IsCompleted) || world.Inbox.Count > 0); round++)
        {
            world.Cycle();
            foreach (var name in world.Workers.Keys)
            {
                while (world.Report(name, 0, calm: true))
                {
                    LoopInvariants.Check(world);
                }
            }

            world.Cycle();
            Check(world);
            world.Advance(TimeSpan.FromSeconds(1));
        }

        var open = world.Calls.Where(c => !c.Task.IsCompleted).Select(c => c.Index).ToList();
        Assert.True(open.Count == 0, $"calls never answered: {string.Join(", ", open)}");
        Assert.All(world.Calls, c => Assert.True(c.Task.IsCompletedSuccessfully, $"call {c.Index} threw: {c.Task.Exception}"));
        Check(world);
    }
}
