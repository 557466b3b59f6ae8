namespace Hearth.Supervisor.Storage;

public static class AllocationChangeKinds
{
    public const string Dispatch = "dispatch";
    public const string Grow = "grow";
}
