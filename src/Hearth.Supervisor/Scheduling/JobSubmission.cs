using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// A validated submission, ready for the queue. <paramref name="SubmittedBy"/> is the submitting account, null for an
/// admin key. <paramref name="StoredStates"/> holds the stored state of each job it depends on, as read before it was
/// sent; the loop's own knowledge of a job comes first. <paramref name="Agenda"/> makes it an agenda job.
/// </summary>
public sealed record JobSubmission(
    string Name, IReadOnlyList<string> Command, ResourceRequest Resources, int Priority, int Cpus, string? WorkingDirectory, string? SubmittedBy = null,
    JobControls? Controls = null, IReadOnlyDictionary<long, string>? StoredStates = null,
    Requirement? Requirements = null, Frames.AgendaSpec? Agenda = null)
{
    /// <summary>
    /// Throws <see cref="UnstorableValueException"/> for text a store would refuse. The loop checks before it applies
    /// the submission, so such text fails this request alone instead of the whole cycle's commit.
    /// </summary>
    public void CheckStorable()
    {
        StoredText.Check(Name, "name");
        for (var i = 0; i < Command.Count; i++)
        {
            StoredText.Check(Command[i], string.Create(System.Globalization.CultureInfo.InvariantCulture, $"command[{i}]"));
        }

        StoredText.Check(WorkingDirectory, "working_directory");
        StoredText.Check(Requirements?.Text, "requirements");
        StoredText.Check(SubmittedBy, "submitted_by");
    }
}
