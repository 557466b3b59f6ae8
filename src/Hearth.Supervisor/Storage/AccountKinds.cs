namespace Hearth.Supervisor.Storage;

public static class AccountKinds
{
    public const string User = "user";
    public const string Organization = "org";
}
