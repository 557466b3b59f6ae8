using Hearth.Core.Algorithms;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Scheduling;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// The warm pool's messages to workers, on the sessions the scheduling loop last published: a call reaches its
/// worker without passing through the loop, and a session is its worker's only once the loop has accepted it.
/// </summary>
internal sealed class InstanceTransport(WorkerSessions sessions, InstanceKeys keys, BuildGrants grants) : IInstanceTransport
{
    public bool Start(string worker, AlgorithmInstance instance, InstanceLaunchInfo launch)
    {
        if (sessions.Find(worker) is not { } session)
        {
            return false;
        }

        var message = new StartInstance
        {
            InstanceId = instance.Id,
            Account = instance.Account,
            Algorithm = instance.Template.Algorithm.ToString(),
            Hash = instance.Template.Hash,
            Version = instance.Template.Version?.ToString() ?? "",
            ArchiveSha256 = launch.ArchiveSha256 ?? "",
            Entrypoint = { launch.Entrypoint },
            LoadTimeoutMs = (int)Math.Min(int.MaxValue, launch.LoadTimeout.TotalMilliseconds),
            Reservations = instance.Template.Resources.Text,
        };

        // Algorithmia's client inside the algorithm reads this key (its address is the worker's supervisor URL).
        message.Environment["ALGORITHMIA_API_KEY"] = keys.Issue(instance.Id, instance.Account, instance.Template.Algorithm.Owner);
        foreach (var item in instance.Template.Resources.EffectiveItems())
        {
            message.Allocations[item.Resource.ToString()] = item.Min;
        }

        message.BuildGrant = grants.Issue(session, instance.Id, instance.Template.Hash);
        if (session.Send(new SupervisorMessage { StartInstance = message }))
        {
            return true;
        }

        grants.Revoke(instance.Id);
        keys.Revoke(instance.Id);
        return false;
    }

    public bool Call(string worker, string instanceId, long callId, ReadOnlyMemory<byte> request, TimeSpan timeout, bool captureStdout = false) =>
        Send(worker, new SupervisorMessage
        {
            CallInstance = new CallInstance
            {
                InstanceId = instanceId,
                CallId = callId,
                Request = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(request),
                TimeoutMs = (int)Math.Clamp(timeout.TotalMilliseconds, 1, int.MaxValue),
                CaptureStdout = captureStdout,
            },
        });

    public bool Stop(string worker, string instanceId, TimeSpan grace) =>
        Send(worker, new SupervisorMessage { StopInstance = new StopInstance { InstanceId = instanceId, GraceMs = (int)grace.TotalMilliseconds } });

    private bool Send(string worker, SupervisorMessage message) => sessions.Find(worker) is { } session && session.Send(message);
}
