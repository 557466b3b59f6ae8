namespace Hearth.Supervisor.Frames;

/// <summary>A frame action names frames the job does not have, or no item it could act on; the message says which.</summary>
public sealed class FrameActionRefusedException(string message) : Exception(message);
