using Hearth.Core.Algorithms;
using Hearth.Core.Resources;

namespace Hearth.Algorithms.Tests.Core;

public sealed class WarmPoolTests
{
    internal const string HashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    internal const string HashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    internal static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static readonly InstanceTemplate EchoA = new(new AlgorithmName("acme", "echo"), HashA, new SemanticVersion(1, 0, 0), ResourceRequest.Parse("host.processors=1,host.memory=100"));
    internal static readonly InstanceTemplate EchoB = EchoA with { Hash = HashB };

    private long _calls;

    internal static WarmPool NewPool(WarmPoolSettings? settings = null)
    {
        var next = 0;
        return new WarmPool(settings ?? WarmPoolSettings.Default, () => $"i-{++next}");
    }

    /// <summary>An instance of <paramref name="template"/> for <paramref name="account"/>, placed and ready at <paramref name="at"/>.</summary>
    internal static AlgorithmInstance Warm(WarmPool pool, string account, InstanceTemplate template, DateTimeOffset at, string worker = "w1")
    {
        var instance = pool.Start(account, template, null, at);
        pool.Placed(instance.Id, worker);
        Assert.Null(pool.Ready(instance.Id, at));
        return instance;
    }

    [Fact]
    public void AFirstCallQueuesAndStartsOneInstance()
    {
        var pool = NewPool();
        var queued = Assert.IsType<RoutedQueued>(pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0));
        Assert.NotNull(queued.Started);
        Assert.Equal(InstanceState.Starting, queued.Started.State);
        Assert.Null(queued.Started.Worker);
        Assert.Equal(new PoolKey("alice", HashA, "acme"), queued.Started.Key);
        Assert.Equal(1, pool.WaitingCount);
    }

    [Fact]
    public void AReadyInstanceTakesTheCallThatStartedItAsAColdStart()
    {
        var pool = NewPool();
        var queued = (RoutedQueued)pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0);
        pool.Placed(queued.Started!.Id, "w1");
        var assignment = pool.Ready(queued.Started.Id, T0.AddSeconds(2))!;
        Assert.Equal((queued.Call.Id, queued.Started.Id, true), (assignment.Call.Id, assignment.Instance.Id, assignment.ColdStart));
        Assert.Equal(InstanceState.Busy, queued.Started.State);
        Assert.Equal(0, pool.WaitingCount);
    }

    [Fact]
    public void TheNextCallGoesToTheSameWarmInstance()
    {
        var pool = NewPool();
        var instance = Warm(pool, "alice", EchoA, T0);
        var routed = Assert.IsType<RoutedWarm>(pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0.AddSeconds(1)));
        Assert.Same(instance, routed.Instance);
        Assert.Equal(InstanceState.Busy, instance.State);
        Assert.Null(pool.Finished(instance.Id, T0.AddSeconds(2)));
        Assert.Equal((InstanceState.Idle, T0.AddSeconds(2), 1L), (instance.State, instance.LastUsed, instance.CallsServed));
    }

    [Fact]
    public void AnotherAccountNeverGetsAnInstanceItDidNotStart()
    {
        var pool = NewPool();
        Warm(pool, "alice", EchoA, T0);
        var routed = Assert.IsType<RoutedQueued>(pool.Route(++_calls, "bob", EchoA, T0.AddMinutes(5), T0));
        Assert.Equal("bob", routed.Started!.Account);
    }

    [Fact]
    public void AnotherBuildOfTheSameAlgorithmGetsItsOwnInstance()
    {
        var pool = NewPool();
        Warm(pool, "alice", EchoA, T0);
        var routed = Assert.IsType<RoutedQueued>(pool.Route(++_calls, "alice", EchoB, T0.AddMinutes(5), T0));
        Assert.Equal(HashB, routed.Started!.Template.Hash);
    }

    [Fact]
    public void ACallFindingEveryInstanceBusySpillsOverToANewOne()
    {
        var pool = NewPool();
        var first = Warm(pool, "alice", EchoA, T0);
        pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0);
        var second = Assert.IsType<RoutedQueued>(pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0));
        Assert.NotNull(second.Started);
        Assert.NotEqual(first.Id, second.Started.Id);
    }

    [Fact]
    public void CallsWaitingOnAStartingInstanceDoNotStartMoreThanTheyNeed()
    {
        var pool = NewPool();
        var a = (RoutedQueued)pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0);
        var b = (RoutedQueued)pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0);
        pool.Cancel(b.Call);
        var c = (RoutedQueued)pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0);
        Assert.NotNull(a.Started);
        Assert.NotNull(b.Started);
        Assert.Null(c.Started);
        Assert.Equal(2, pool.InstancesOf(new PoolKey("alice", HashA, "acme")).Count);
    }

    [Fact]
    public void StartsPerKeyStopAtTheCap()
    {
        var pool = NewPool(WarmPoolSettings.Default with { MaxStartingPerKey = 2 });
        var started = Enumerable.Range(0, 5).Select(_ => ((RoutedQueued)pool.Route(++_calls, "alice", EchoA, T0.AddMinutes(5), T0)).Started).ToList();
        Assert.Equal(2, started.Count(s => s is not null));
        Assert.Equal(5, pool.WaitingCount);
    }

    [Fact]
    public void AFinishedInstanceTakesTheOldestWaitingCallWithoutAColdStart()
    {
        var pool = NewPool(WarmPoolSettings.Default with { MaxStartingPerKey = 0 });
        var instance = Warm(pool, "alice", EchoA, T0);
        pool.Route(1, "alice", EchoA, T0.AddMinutes(5), T0);
        pool.Route(2, "alice", EchoA, T0.AddMinutes(5), T0);
        pool.Route(3, "alice", EchoA, T0.AddMinutes(5), T0);
        var next = pool.Finished(instance.Id, T0.AddSeconds(1))!;
        Assert.Equal((2L, false), (next.Call.Id, next.ColdStart));
        Assert.Equal(3L, pool.Finished(instance.Id, T0.AddSeconds(2))!.Call.Id);
        Assert.Null(pool.Finished(instance.Id, T0.AddSeconds(3)));
    }

    [Fact]
    public void ReservedInstancesAreRoutedToFirstThenTheMostRecentlyUsed()
    {
        var pool = NewPool();
        var old = Warm(pool, "alice", EchoA, T0);
        var recent = Warm(pool, "alice", EchoA, T0.AddSeconds(10));
        Assert.Same(recent, ((RoutedWarm)pool.Route(1, "alice", EchoA, T0.AddMinutes(5), T0.AddSeconds(20))).Instance);
        pool.Finished(recent.Id, T0.AddSeconds(21));
        pool.SetReservation(old.Id, "r-1", T0.AddSeconds(22));
        Assert.Same(old, ((RoutedWarm)pool.Route(2, "alice", EchoA, T0.AddMinutes(5), T0.AddSeconds(23))).Instance);
    }

    [Fact]
    public void ACrashedBusyInstanceReportsItsCallAndIsReplacedForThoseStillWaiting()
    {
        var pool = NewPool();
        var instance = Warm(pool, "alice", EchoA, T0);
        pool.Route(1, "alice", EchoA, T0.AddMinutes(5), T0);
        var waiting = (RoutedQueued)pool.Route(2, "alice", EchoA, T0.AddMinutes(5), T0);
        Assert.Empty(pool.Remove(waiting.Started!.Id, failedLoading: true, T0.AddSeconds(1)).Replacements);

        var outcome = pool.Remove(instance.Id, failedLoading: false, T0.AddSeconds(2));
        Assert.Equal(1L, outcome.InterruptedCall);
        Assert.Empty(outcome.Abandoned);
        var replacement = Assert.Single(outcome.Replacements);
        Assert.Equal(InstanceState.Starting, replacement.State);
        Assert.Equal(1, pool.WaitingCount);
    }

    [Fact]
    public void ALoadFailureWithNoOtherInstanceAbandonsTheWaitingCalls()
    {
        var pool = NewPool();
        var a = (RoutedQueued)pool.Route(1, "alice", EchoA, T0.AddMinutes(5), T0);
        var b = (RoutedQueued)pool.Route(2, "alice", EchoA, T0.AddMinutes(5), T0);
        var first = pool.Remove(a.Started!.Id, failedLoading: true, T0.AddSeconds(1));
        Assert.Empty(first.Abandoned);

        var last = pool.Remove(b.Started!.Id, failedLoading: true, T0.AddSeconds(1));
        Assert.Equal([1L, 2L], last.Abandoned.Select(c => c.Id));
        Assert.Empty(last.Replacements);
        Assert.Equal(0, pool.WaitingCount);
        Assert.Empty(pool.Instances);
    }

    [Fact]
    public void ALoadFailureLeavesCallsWaitingWhenAnotherInstanceCanServeThem()
    {
        var pool = NewPool();
        var busy = Warm(pool, "alice", EchoA, T0);
        pool.Route(1, "alice", EchoA, T0.AddMinutes(5), T0);
        var waiting = (RoutedQueued)pool.Route(2, "alice", EchoA, T0.AddMinutes(5), T0);
        var outcome = pool.Remove(waiting.Started!.Id, failedLoading: true, T0.AddSeconds(1));
        Assert.Empty(outcome.Abandoned);
        Assert.Empty(outcome.Replacements);
        Assert.Equal(2L, pool.Finished(busy.Id, T0.AddSeconds(2))!.Call.Id);
    }

    [Theory]
    [InlineData("ready before placement")]
    [InlineData("call on a starting instance")]
    [InlineData("finish an idle instance")]
    [InlineData("place twice")]
    public void IllegalTransitionsThrow(string transition)
    {
        var pool = NewPool();
        var instance = pool.Start("alice", EchoA, null, T0);
        Action act = transition switch
        {
            "ready before placement" => () => pool.Ready(instance.Id, T0),
            "call on a starting instance" => () => pool.Finished(instance.Id, T0),
            "finish an idle instance" => () => { pool.Placed(instance.Id, "w1"); pool.Ready(instance.Id, T0); pool.Finished(instance.Id, T0); },
            _ => () => { pool.Placed(instance.Id, "w1"); pool.Placed(instance.Id, "w2"); },
        };
        Assert.Throws<InstanceTransitionException>(act);
    }

    [Fact]
    public void StoppingInstancesTakeNoCalls()
    {
        var pool = NewPool();
        var instance = Warm(pool, "alice", EchoA, T0);
        pool.Stop(instance.Id, "test");
        var routed = Assert.IsType<RoutedQueued>(pool.Route(1, "alice", EchoA, T0.AddMinutes(5), T0));
        Assert.NotNull(routed.Started);
    }
}
