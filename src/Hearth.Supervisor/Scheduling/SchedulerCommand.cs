using Hearth.Core.Placement;
using Hearth.Supervisor.Jobs;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// Something for the scheduling loop to do. Each command does its own work on the loop's state and carries its own
/// answer and failure: the loop answers it once the cycle's writes commit, and fails it when it refuses (see
/// <see cref="IsRefusal"/>), the commit fails or the loop stops. A command checks what it is asked before it changes
/// anything; one that throws anything but a refusal restarts the loop from the store, its cycle unstored.
/// </summary>
internal abstract record SchedulerCommand
{
    /// <summary>Does the command's work; true when a caller waits for <see cref="Answer"/> after the commit.</summary>
    public virtual bool Run(SchedulerState state, CycleEffects fx, ILogger log) =>
        throw new InvalidOperationException($"{GetType().Name} has no work of its own for the loop's state");

    /// <summary>
    /// Whether the command may run again on state rebuilt from the store, as when the store refused its cycle's batch
    /// for the data of one command: a request is, a worker's message is not (its worker registers again instead).
    /// </summary>
    public virtual bool Replayable => false;

    /// <summary>Hands the result of <see cref="Run"/> to the caller, once it is stored.</summary>
    public virtual void Answer()
    {
    }

    /// <summary>Hands <paramref name="error"/> to the caller; false when nobody waits for this command.</summary>
    public virtual bool Fail(Exception error) => false;

    /// <summary>
    /// The exceptions a command throws to refuse what it was asked, from checks it makes before it changes anything;
    /// every other exception is a fault.
    /// </summary>
    public static bool IsRefusal(Exception error) => error is FarmRequestException or FarmTargetNotFoundException
        or JobChangeRefusedException or JobRetryRefusedException or PriorityNotAllowedException or WorkerNameTakenException
        or WorkerRejectedException or WorkerRemovalRefusedException or Frames.FrameActionRefusedException or InvalidRequestException or PlacementException
        or Storage.UnstorableValueException;
}
