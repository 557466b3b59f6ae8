using System.Diagnostics;

namespace Hearth.Cli.Commands;

/// <summary>What the measured calls cost, summed over the rounds: this process's CPU and allocations, and the CPU of the instances it started.</summary>
internal sealed class CallCost
{
    private TimeSpan _process;
    private TimeSpan _instances;
    private long _allocated;
    private long _calls;

    public double ProcessMicroseconds => PerCall(_process.TotalMicroseconds);

    public double InstanceMicroseconds => PerCall(_instances.TotalMicroseconds);

    public double KibibytesAllocated => PerCall(_allocated / 1024.0);

    public static (TimeSpan Process, TimeSpan Instances, long Allocated) Now() =>
        (Process.GetCurrentProcess().TotalProcessorTime, ProcessTreeCpu.Descendants(), GC.GetTotalAllocatedBytes());

    public void Add((TimeSpan Process, TimeSpan Instances, long Allocated) before, (TimeSpan Process, TimeSpan Instances, long Allocated) after, long calls)
    {
        _process += after.Process - before.Process;
        _instances += after.Instances - before.Instances;
        _allocated += after.Allocated - before.Allocated;
        _calls += calls;
    }

    private double PerCall(double total) => _calls == 0 ? 0 : total / _calls;
}
