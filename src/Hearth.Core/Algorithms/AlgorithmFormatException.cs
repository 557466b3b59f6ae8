namespace Hearth.Core.Algorithms;

/// <summary>Raised for a malformed name, version, version reference or manifest; the message says what is wrong.</summary>
public sealed class AlgorithmFormatException(string message) : FormatException(message);
