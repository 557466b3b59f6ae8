namespace Hearth.Supervisor.Endpoints;

/// <summary>How a call's result is given: the JSON reply, the bare result, or nothing but a request ID.</summary>
internal enum CallOutput
{
    Default,
    Raw,
    Void,
}
