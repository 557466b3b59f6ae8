namespace Hearth.Core.Simulation;

/// <summary>
/// Submit work. <see cref="Reservations"/> and <see cref="Requirements"/> are unparsed: a bad one is rejected when it
/// happens, not when the file is read. <see cref="Account"/> is the account it counts against, if any.
/// </summary>
public sealed record SubmitEvent(string Id, string? Reservations, int Priority, string? Requirements = null, string? Account = null) : ScenarioEvent;
