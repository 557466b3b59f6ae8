namespace Hearth.Worker.Sandboxing;

/// <summary>Whether a worker sandboxes what it starts: when it can (the default), always (refusing to start without it), or never.</summary>
public enum SandboxMode
{
    Auto,
    Required,
    Off,
}
