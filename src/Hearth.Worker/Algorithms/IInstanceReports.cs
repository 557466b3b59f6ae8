namespace Hearth.Worker.Algorithms;

/// <summary>Where the instance host reports what happened; the worker agent turns these into stream messages.</summary>
internal interface IInstanceReports
{
    void Ready(string instanceId, ColdStart coldStart);

    /// <summary>The instance is gone. <paramref name="duringLoad"/> when it never became ready.</summary>
    void Exited(string instanceId, string reason, bool duringLoad);

    void CallDone(string instanceId, long callId, InstanceReply reply);
}
