using Hearth.Core.Requirements;
using Hearth.Core.Resources;
using Hearth.Supervisor.Jobs;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// A validated submission, ready for the queue. <paramref name="SubmittedBy"/> is the submitting account, null for an
/// admin key. <paramref name="StoredStates"/> holds the stored state of each job it depends on, as read before it was
/// sent; the loop's own knowledge of a job comes first. <paramref name="Agenda"/> makes it an agenda job.
/// </summary>
public sealed record JobSubmission(
    string Name, IReadOnlyList<string> Command, ResourceRequest Resources, int Priority, int Cpus, string? WorkingDirectory, string? SubmittedBy = null,
    JobControls? Controls = null, IReadOnlyDictionary<long, string>? StoredStates = null,
    Requirement? Requirements = null, Frames.AgendaSpec? Agenda = null);
