using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// A validated change to a job: only what is set changes. <paramref name="ChangeRequirements"/> tells "remove the
/// requirements" (null <paramref name="Requirements"/>) from "leave them". <paramref name="By"/> is the account, null for an admin key.
/// </summary>
public sealed record JobModification(int? Priority, ReservationSpec? Reservations, bool ChangeRequirements, Requirement? Requirements, string? By);

/// <summary>A change a job cannot take in its state; the message says why.</summary>
public sealed class JobChangeRefusedException(string message) : Exception(message);

/// <summary>An account key asked for a priority above the admin's floor; the message names the highest it may use.</summary>
public sealed class PriorityNotAllowedException(string message) : Exception(message);
