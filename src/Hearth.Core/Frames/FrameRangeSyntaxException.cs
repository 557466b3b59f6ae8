namespace Hearth.Core.Frames;

/// <summary>Raised for a frame range, chunk, padding or order that breaks the agenda language; the message names the item.</summary>
public sealed class FrameRangeSyntaxException(string message) : FormatException(message);
