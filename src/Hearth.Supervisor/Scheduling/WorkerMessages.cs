using Hearth.Protocol.Workers;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

/// <summary>What the loop tells a worker to do with a subjob's attempt.</summary>
internal static class WorkerMessages
{
    public static SupervisorMessage Assign(Subjob subjob) => new()
    {
        Assign = new Assign
        {
            AssignmentId = subjob.AssignmentId,
            JobId = subjob.Job.Id,
            SubjobIndex = subjob.Index,
            Argv = { subjob.Job.Command },
            Allocations = { subjob.Allocation.ToDictionary() },
            WorkingDirectory = subjob.Job.WorkingDirectory ?? "",
            Account = subjob.Job.IsAccountJob ? subjob.Job.SubmittedBy : "",
        },
    };

    /// <summary>An agenda subjob's attempt that runs <paramref name="item"/>: the worker fills in the frame tokens.</summary>
    public static SupervisorMessage Assign(Subjob subjob, WorkItem item)
    {
        var message = Assign(subjob);
        message.Assign.Item = new ItemAssignment
        {
            Index = item.Index,
            Name = item.Chunk.Name,
            Frames = { item.Chunk.Frames },
            Padding = subjob.Job.Agenda!.Spec.Plan.Padding,
        };
        return message;
    }

    public static SupervisorMessage Grow(Subjob subjob) => new()
    {
        Grow = new Grow { AssignmentId = subjob.AssignmentId, Allocations = { subjob.Allocation.ToDictionary() } },
    };

    public static SupervisorMessage Kill(string assignmentId, TimeSpan grace) => new()
    {
        Kill = new Kill { AssignmentId = assignmentId, GraceMs = (int)grace.TotalMilliseconds },
    };
}
