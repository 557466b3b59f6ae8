using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Hearth.Supervisor.Tests;

/// <summary>The scheduler's state with a fake clock and recorded effects: events in, messages and changes out, no servers.</summary>
internal sealed class SchedulerHarness
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>When a silent worker is declared down: the timeout and the fencing margin (7.5 s at 30 s).</summary>
    public static readonly TimeSpan Expiry = new SchedulerSettings(Timeout, new Dictionary<ResourceName, int>()).WorkerExpiry;

    public SchedulerHarness(string? globals = null, int maxRequeues = SchedulerSettings.DefaultMaxRequeues)
    {
        State = new SchedulerState(
            Time, new SchedulerSettings(Timeout, ResourceTotals.Parse(globals, ResourceScope.Global)) { MaxRequeues = maxRequeues });
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public SchedulerState State { get; }

    public CycleEffects Effects { get; private set; } = new();

    public Dictionary<string, WorkerSession> Sessions { get; } = [];

    /// <summary>Commits the last cycle's effects (every written entity moves one version on) and starts a new one, as the loop does.</summary>
    public CycleEffects Next()
    {
        Effects.MarkCommitted();
        Effects = new CycleEffects();
        return Effects;
    }

    public WorkerSession Connect(string name, int processors, params ProcessReport[] processes)
    {
        var session = new WorkerSession(name);
        Sessions[name] = session;
        var register = new Register { Name = name, Resources = { ["host.processors"] = processors } };
        register.Processes.AddRange(processes);
        State.Connect(session, register, Next());
        return session;
    }

    public Job Submit(string reservations = "host.processors=1", int cpus = 1, int priority = 9999) =>
        State.Submit(new JobSubmission("test", ["true"], ResourceRequest.Parse(reservations), priority, cpus, null), Next());

    public Job Submit(JobControls controls, IReadOnlyDictionary<long, string>? storedStates = null, string reservations = "host.processors=1") =>
        State.Submit(new JobSubmission("test", ["true"], ResourceRequest.Parse(reservations), 9999, 1, null, null, controls, storedStates), Next());

    public List<SupervisorMessage> Place()
    {
        State.Place(Next());
        return [.. Effects.Messages.Select(m => m.Message)];
    }

    public void Exit(string worker, string assignmentId, int exitCode = 0) =>
        State.Exited(Sessions[worker], new ProcessExited { AssignmentId = assignmentId, ExitCode = exitCode }, Next());

    public int Used(string worker) =>
        State.Cluster.Ledger.HostUsage(State.Cluster.Ledger.HostIndex(worker)).Single(u => u.Resource == ResourceName.Processors).Used;

    public static ProcessReport Running(string assignmentId) => new() { AssignmentId = assignmentId, Running = true, Pid = 4242 };
}
