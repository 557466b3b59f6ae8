namespace Hearth.Supervisor.Scheduling;

internal sealed record PrioritySetting(int Priority);
