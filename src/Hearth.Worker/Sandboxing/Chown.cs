using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace Hearth.Worker.Sandboxing;

/// <summary>chown(2), which .NET does not offer.</summary>
internal static partial class Chown
{
    /// <summary>Gives <paramref name="path"/> to <paramref name="uid"/> (and the same gid); returns the error, or null.</summary>
    public static string? Change(string path, int uid)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        return Native(bytes, (uint)uid, (uint)uid) == 0 ? null : new Win32Exception(Marshal.GetLastPInvokeError()).Message;
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static partial int Native(byte[] path, uint owner, uint group);
}
