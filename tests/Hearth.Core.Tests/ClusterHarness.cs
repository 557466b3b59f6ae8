using System.Globalization;
using Hearth.Core.Placement;
using Hearth.Core.Resources;

namespace Hearth.Core.Tests;

/// <summary>
/// Runs a <see cref="ClusterProgram"/> on a real <see cref="Cluster"/> beside a plain model of which work is
/// pending and where work runs, checking after every step that the cluster agrees with the model and that the
/// ledger holds exactly what the running work holds. Returns a trace of everything observable, for determinism.
/// </summary>
internal sealed class ClusterHarness
{
    private readonly Cluster _cluster = new();
    private readonly List<string> _hosts = [];
    private readonly List<string> _ids = [];
    private readonly Dictionary<string, WorkRequest> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _running = new(StringComparer.Ordinal);
    private readonly List<string> _trace = [];
    private long _sequence;

    /// <summary>How many decisions of each kind the run made, so that tests can show the generators reach them.</summary>
    public PlanCoverage Coverage { get; } = new();

    public static List<string> Run(ClusterProgram program, PlanCoverage? coverage = null)
    {
        var harness = new ClusterHarness();
        foreach (var host in program.Hosts)
        {
            harness.Step(host);
        }

        harness.Step(new DefineGlobalOp("maya", program.Maya));
        foreach (var op in program.Ops)
        {
            harness.Step(op);
        }

        harness.FinishEverything();
        coverage?.Add(harness.Coverage);
        return harness._trace;
    }

    private void Step(ClusterOp op)
    {
        switch (op)
        {
            case AddHostOp add:
                var name = $"h{_hosts.Count}";
                _cluster.AddHost(name, ResourceTotals.Parse(
                    string.Create(CultureInfo.InvariantCulture, $"host.processors={add.Processors},host.memory={add.Memory},host.gpu={add.Gpu}"),
                    ResourceScope.Host));
                _hosts.Add(name);
                break;
            case DefineGlobalOp define:
                DefineGlobal(define);
                break;
            case SubmitOp submit:
                Submit(submit);
                break;
            case CycleOp:
                Cycle();
                break;
            case FinishOp finish when _ids.Count > 0:
                Finish(_ids[finish.Pick % _ids.Count]);
                break;
            case FinishRunningOp finish when _running.Count > 0:
                Finish(_running.Keys.Order(StringComparer.Ordinal).ElementAt(finish.Pick % _running.Count));
                break;
            case WithdrawOp withdraw when _ids.Count > 0:
                var id = _ids[withdraw.Pick % _ids.Count];
                var before = Snapshot();
                var withdrawn = _cluster.Withdraw(id);
                Assert.Equal(_pending.Remove(id), withdrawn);
                Assert.True(withdrawn || before == Snapshot(), $"withdrawing {id}, which is not pending, changed the cluster");
                _trace.Add($"withdraw {id} {withdrawn}");
                break;
            case HostDownOp down:
                HostDown(_hosts[down.Pick % _hosts.Count], down.Requeue);
                break;
            case HostUpOp up:
                var host = _hosts[up.Pick % _hosts.Count];
                var usage = _cluster.Usage(host);
                _cluster.HostUp(host);
                Assert.Equal(usage, _cluster.Usage(host));
                Assert.True(_cluster.Ledger.IsUp(_cluster.Ledger.HostIndex(host)));
                break;
        }

        ClusterChecks.AssertHoldsExactlyWhatRuns(_cluster, _pending, _running);
    }

    private void DefineGlobal(DefineGlobalOp define)
    {
        var resource = new ResourceName(ResourceScope.Global, define.Name);
        var used = _cluster.Ledger.GlobalUsage().Where(u => u.Resource == resource).Sum(u => u.Used);
        var before = Snapshot();
        if (define.Total < used)
        {
            // Lowering below use takes nothing back and grants nothing more until use drops; put it back so the
            // rest of the program runs under the usual bounds.
            var total = _cluster.Ledger.GlobalUsage().Single(u => u.Resource == resource).Total;
            _cluster.Ledger.DefineGlobal(resource, define.Total);
            var lowered = _cluster.Ledger.GlobalUsage().Single(u => u.Resource == resource);
            Assert.Equal((define.Total, used, 0), (lowered.Total, lowered.Used, lowered.Free));
            Assert.Equal(0, _cluster.Ledger.GlobalFree(resource));
            _cluster.Ledger.DefineGlobal(resource, total);
            Assert.Equal(before, Snapshot());
            return;
        }

        _cluster.Ledger.DefineGlobal(resource, define.Total);
        Assert.Equal(define.Total, _cluster.Ledger.GlobalUsage().Single(u => u.Resource == resource).Total);
    }

    private void Submit(SubmitOp submit)
    {
        var id = $"w{_ids.Count}";
        _ids.Add(id);
        var request = new WorkRequest(id, ResourceRequest.ParseOrDefault(submit.Spec), submit.Priority, _sequence++);
        var unknown = request.Spec.Items.FirstOrDefault(i => !i.Resource.IsHost && !_cluster.Ledger.HasGlobal(i.Resource));
        var before = Snapshot();
        if (unknown is not null)
        {
            var error = Assert.Throws<PlacementException>(() => _cluster.Submit(request));
            Assert.Contains($"unknown global resource {unknown.Resource}", error.Message, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot());
            _trace.Add($"refused {id}");
            return;
        }

        _cluster.Submit(request);
        _pending.Add(id, request);
        Assert.Throws<PlacementException>(() => _cluster.Submit(request));
    }

    private void Cycle()
    {
        var before = Snapshot();
        var plan = PlacementEngine.Decide(_cluster);
        Assert.Equal(before, Snapshot());
        var again = PlacementEngine.Decide(_cluster);
        Assert.Equal(plan.Decisions.Select(TestCluster.Describe), again.Decisions.Select(TestCluster.Describe));
        Assert.Equal(before, Snapshot());

        var running = _running.Keys.Select(id => _cluster.FindRunning(id)!).ToList();
        ClusterChecks.AssertPlanFollowsTheRules(_cluster.Ledger, plan, [.. _pending.Values], running, Coverage);

        _cluster.Apply(plan);
        foreach (var decision in plan.Decisions)
        {
            if (decision is DispatchDecision)
            {
                _pending.Remove(decision.WorkId);
                _running.Add(decision.WorkId, decision.Host);
            }

            _trace.Add(TestCluster.Describe(decision));
        }

        ClusterChecks.AssertNothingLeftThatFits(_cluster);
    }

    private void Finish(string id)
    {
        var before = Snapshot();
        var ended = _cluster.Finish(id);
        if (!_running.Remove(id, out var host))
        {
            Assert.Null(ended);
            Assert.Equal(before, Snapshot());
            return;
        }

        Assert.NotNull(ended);
        Assert.Equal((id, host), (ended.Id, ended.Host));
        var after = Snapshot();
        Assert.Null(_cluster.Finish(id));
        Assert.Equal(after, Snapshot());
        _trace.Add($"finish {id} {host}");
    }

    private void HostDown(string host, bool requeue)
    {
        var expected = _running.Where(kv => kv.Value == host).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        var lost = _cluster.HostDown(host);

        Assert.Equal(expected, lost.Select(w => w.Id).Order(StringComparer.Ordinal));
        var index = _cluster.Ledger.HostIndex(host);
        Assert.False(_cluster.Ledger.IsUp(index));
        Assert.Equal(0, _cluster.Ledger.RunningOn(index));
        Assert.All(_cluster.Ledger.HostUsage(index), u => Assert.Equal(0, u.Used));
        foreach (var work in lost)
        {
            _running.Remove(work.Id);
            Assert.Null(_cluster.Finish(work.Id));
            if (requeue)
            {
                _cluster.Submit(work.Request);
                _pending.Add(work.Id, work.Request);
            }
        }

        _trace.Add($"down {host}: {string.Join(",", lost.Select(w => w.Id))}");
    }

    /// <summary>Ends all work in ID order and withdraws all that is pending: every count must be back to 0.</summary>
    private void FinishEverything()
    {
        foreach (var id in _running.Keys.Order(StringComparer.Ordinal).ToList())
        {
            Finish(id);
            ClusterChecks.AssertHoldsExactlyWhatRuns(_cluster, _pending, _running);
        }

        foreach (var id in _pending.Keys.ToList())
        {
            Assert.True(_cluster.Withdraw(id));
            _pending.Remove(id);
        }

        ClusterChecks.AssertHoldsExactlyWhatRuns(_cluster, _pending, _running);
        for (var host = 0; host < _cluster.Ledger.HostCount; host++)
        {
            Assert.Equal(0, _cluster.Ledger.RunningOn(host));
            Assert.All(_cluster.Ledger.HostUsage(host), u => Assert.Equal(0, u.Used));
        }

        Assert.All(_cluster.Ledger.GlobalUsage(), u => Assert.Equal(0, u.Used));
        Assert.Empty(_cluster.Pending);
        Assert.Empty(_cluster.Running);
    }

    private string Snapshot() => ClusterChecks.Snapshot(_cluster);
}
