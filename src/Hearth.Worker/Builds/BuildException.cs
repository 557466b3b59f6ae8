namespace Hearth.Worker.Builds;

/// <summary>The directory cannot be packaged: no or bad manifest, or its build command failed.</summary>
internal sealed class BuildException(string message) : Exception(message);
