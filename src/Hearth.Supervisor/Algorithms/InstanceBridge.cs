using Hearth.Core.Algorithms;
using Hearth.Core.Placement;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// Joins the warm pool to the scheduling loop and the worker streams: the loop reads the pool through it and hands
/// it each cycle's instance effects after the commit, and the streams hand it the instance reports, which go to the
/// pool without passing through the loop.
/// </summary>
internal sealed class InstanceBridge(InstancePool pool, InstanceKeys keys, BuildGrants grants, TimeProvider time) : IInstanceWork
{
    /// <summary>Takes the instance messages off a worker stream; false for anything else (it goes to the loop).</summary>
    public bool Receive(WorkerSession session, WorkerMessage message)
    {
        switch (message.BodyCase)
        {
            case WorkerMessage.BodyOneofCase.CallResult:
                var result = message.CallResult;
                pool.CallDone(result.InstanceId, result.CallId, result.Kind == CallResultKind.Replied,
                    result.Kind == CallResultKind.Replied ? result.Response.Memory.ToArray() : null,
                    result.Failure.Length == 0 ? null : result.Failure, result.Kind == CallResultKind.TimedOut,
                    result.Stdout.Length == 0 ? null : result.Stdout);
                return true;
            case WorkerMessage.BodyOneofCase.InstanceReady:
                grants.Revoke(message.InstanceReady.InstanceId);
                pool.Ready(message.InstanceReady.InstanceId, TimeSpan.FromMilliseconds(message.InstanceReady.LoadMs), ColdStartBreakdown.From(message.InstanceReady));
                return true;
            case WorkerMessage.BodyOneofCase.InstanceExited:
                var exited = message.InstanceExited;
                grants.Revoke(exited.InstanceId);
                pool.Exited(exited.InstanceId, exited.Reason.Length == 0 ? $"it exited on {session.Name}" : exited.Reason, exited.DuringLoad);
                keys.Revoke(exited.InstanceId);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The session ended or was refused: the build grants it was given go with it.</summary>
    public void Disconnected(WorkerSession session) => grants.Revoke(session);

    // The scheduling loop's side: reads during its cycle.
    public int InstancePriority => pool.Settings.Pool.InstancePriority;

    public TimeSpan StopGrace => pool.Settings.StopGrace;

    public bool Owns(string workId) => pool.StateOf(workId) is not null;

    public InstanceState? StateOf(string instanceId) => pool.StateOf(instanceId);

    public IReadOnlyList<(string Id, InstanceState State)> InstancesOn(string worker) => pool.InstancesOn(worker);

    public IReadOnlyList<AlgorithmInstance> Unplaced() => pool.Unplaced();

    public WarmPoolPlan Decide(Cluster cluster, DateTimeOffset now) => pool.Decide(cluster, now);

    // The scheduling loop's side: its effects, after its commit.
    public DateTimeOffset? Apply(IReadOnlyList<InstanceEffect> effects)
    {
        DateTimeOffset? due = null;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case InstancePlaced placed:
                    pool.Placed(placed.InstanceId, placed.Worker);
                    break;
                case InstanceLost lost:
                    pool.Exited(lost.InstanceId, lost.Reason, lost.DuringLoad || pool.StateOf(lost.InstanceId) == InstanceState.Starting, workReleased: true);
                    keys.Revoke(lost.InstanceId);
                    break;
                case InstanceAdopted adopted:
                    var report = adopted.Report;
                    pool.Adopt(report.InstanceId, report.Account, adopted.Template,
                        new InstanceLaunchInfo([.. report.Entrypoint], report.ArchiveSha256.Length == 0 ? null : report.ArchiveSha256, pool.Settings.LoadTimeout),
                        adopted.Worker);
                    // Taken back idle: its idle timeout is the policy's to watch.
                    due = time.GetUtcNow() + pool.Settings.Pool.IdleTimeout;
                    break;
                case WarmPoolDecided decided:
                    pool.Apply(decided.Plan);
                    break;
                case IdleInstancesPurged purged:
                    foreach (var instance in pool.Snapshot())
                    {
                        if (instance.Worker == purged.Worker && instance.State == InstanceState.Idle && instance.ReservationId is null)
                        {
                            pool.Retire(instance.Id, purged.Reason);
                        }
                    }

                    break;
                default:
                    throw new InvalidOperationException($"unknown instance effect {effect.GetType().Name}");
            }
        }

        return due;
    }
}
