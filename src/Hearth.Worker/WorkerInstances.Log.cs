using Microsoft.Extensions.Logging;

namespace Hearth.Worker;

internal sealed partial class WorkerInstances
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} is warm after {TotalMs} ms (fetch {FetchMs}, unpack {UnpackMs}, sandbox {SandboxMs}, start {StartMs}, load {LoadMs})")]
    private partial void LogInstanceReady(string instance, int totalMs, int fetchMs, int unpackMs, int sandboxMs, int startMs, int loadMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {Instance} ended: {Reason}")]
    private partial void LogInstanceExited(string instance, string reason);
}
