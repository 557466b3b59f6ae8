using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// A validated change to a job: only what is set changes. <paramref name="ChangeRequirements"/> tells "remove the
/// requirements" (null <paramref name="Requirements"/>) from "leave them". <paramref name="By"/> is the account, null for an admin key.
/// </summary>
public sealed record JobModification(int? Priority, ResourceRequest? Resources, bool ChangeRequirements, Requirement? Requirements, string? By);
