namespace Hearth.Core.Resources;

/// <summary>Raised for input that breaks the resource request language; the message names the offending item.</summary>
public sealed class ResourceRequestSyntaxException(string message) : FormatException(message);
