namespace Hearth.Core.Resources;

/// <summary>Where a resource is counted: on one worker host, or across the whole cluster.</summary>
public enum ResourceScope
{
    Host,
    Global,

    /// <summary>Cluster-wide like <see cref="Global"/>, less what is reported in use outside the farm.</summary>
    License,

    /// <summary>Cluster-wide, but taken once per host however many pieces of work there hold it.</summary>
    GlobalHost,
}
