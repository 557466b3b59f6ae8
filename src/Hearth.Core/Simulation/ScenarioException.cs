namespace Hearth.Core.Simulation;

/// <summary>A scenario file that cannot be read; the message gives the location.</summary>
public sealed class ScenarioException(string message) : FormatException(message);
