namespace Hearth.Testing;

/// <summary>How a <see cref="TestCluster"/> runs its supervisor and workers.</summary>
internal enum ClusterMode
{
    /// <summary>Each supervisor and worker a separate <c>hearth</c> process, as an operator runs them.</summary>
    Processes,

    /// <summary>The supervisor host and worker agents inside the test process (their instances and subjobs still real processes).</summary>
    InProcess,
}
