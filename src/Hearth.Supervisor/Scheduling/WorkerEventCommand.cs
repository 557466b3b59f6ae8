using Hearth.Protocol.Workers;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Scheduling;

/// <summary>A message from a worker's stream; nobody waits for it.</summary>
internal sealed record WorkerEventCommand(WorkerSession Session, WorkerMessage Message) : SchedulerCommand
{
    public override bool Run(SchedulerState state, CycleEffects fx, ILogger log)
    {
        switch (Message.BodyCase)
        {
            case WorkerMessage.BodyOneofCase.Heartbeat:
                state.Heartbeat(Session, Message.Heartbeat, fx);
                break;
            case WorkerMessage.BodyOneofCase.Started:
                state.Started(Session, Message.Started, fx);
                break;
            case WorkerMessage.BodyOneofCase.Exited:
                state.Exited(Session, Message.Exited, fx);
                break;
            case WorkerMessage.BodyOneofCase.Log:
                state.Log(Session, Message.Log, fx);
                break;
            case WorkerMessage.BodyOneofCase.Leave:
                state.Leave(Session, fx);
                Scheduler.LogWorkerLeft(log, Session.Name);
                break;
            default:
                Scheduler.LogUnexpectedMessage(log, Session.Name, Message.BodyCase.ToString());
                break;
        }

        return false;
    }
}
