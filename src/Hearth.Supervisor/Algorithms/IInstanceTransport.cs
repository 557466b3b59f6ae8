using Hearth.Core.Algorithms;

namespace Hearth.Supervisor.Algorithms;

/// <summary>How the instance pool reaches workers: messages on their streams. False when the worker is not connected.</summary>
internal interface IInstanceTransport
{
    bool Start(string worker, AlgorithmInstance instance, InstanceLaunchInfo launch);

    bool Call(string worker, string instanceId, long callId, ReadOnlyMemory<byte> request, TimeSpan timeout, bool captureStdout = false);

    bool Stop(string worker, string instanceId, TimeSpan grace);
}
