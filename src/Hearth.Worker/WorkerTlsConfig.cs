namespace Hearth.Worker;

/// <summary>TLS to the supervisor: <c>ca_file</c> is a PEM certificate of the CA that signed the supervisor's certificate.</summary>
public sealed record WorkerTlsConfig
{
    public string? CaFile { get; init; }
}
