namespace Hearth.Supervisor.Scheduling;

/// <summary>A cluster-wide resource as set at run time: its total (null: as configured), and (licenses only) how many are in use outside the farm.</summary>
internal sealed record ResourceSetting(int? Total, int Outside);
