namespace Hearth.Supervisor.Data;

/// <summary>A data request refused with a 4xx status and a message for the caller.</summary>
internal sealed class DataRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
