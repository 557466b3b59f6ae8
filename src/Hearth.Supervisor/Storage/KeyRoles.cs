namespace Hearth.Supervisor.Storage;

public static class KeyRoles
{
    public const string Admin = "admin";
    public const string Worker = "worker";
    public const string Account = "account";
}
