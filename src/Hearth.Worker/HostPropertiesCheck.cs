using System.Runtime.InteropServices;

namespace Hearth.Worker;

/// <summary>The worker's properties for jobs' requirements: what it discovers, and a check of what the admin sets.</summary>
public static class HostPropertiesCheck
{
    /// <summary>What is wrong with admin-set groups and cluster, or null.</summary>
    public static string? Problem(IReadOnlyList<string>? groups, string? cluster)
    {
        foreach (var group in groups ?? [])
        {
            if (!IsName(group))
            {
                return $"group \"{group}\" must be 1 to 64 letters, digits, '_', '-' or '.'";
            }
        }

        return cluster is null || cluster.Length == 0 || IsName(cluster) ? null : $"cluster \"{cluster}\" must be 1 to 64 letters, digits, '_', '-' or '.'";
    }

    private static bool IsName(string text) =>
        text.Length is > 0 and <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');

    /// <summary><c>linux</c>, <c>windows</c>, <c>darwin</c> or <c>freebsd</c>; empty when none of those.</summary>
    public static string Os() =>
        OperatingSystem.IsLinux() ? "linux"
        : OperatingSystem.IsWindows() ? "windows"
        : OperatingSystem.IsMacOS() ? "darwin"
        : OperatingSystem.IsFreeBSD() ? "freebsd"
        : "";

    /// <summary><c>x86_64</c>, <c>arm64</c> and so on, as <c>uname -m</c> names them.</summary>
    public static string Arch() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "x86",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };

    /// <summary>The CPU's model name from <c>/proc/cpuinfo</c>; empty where there is none.</summary>
    public static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                {
                    return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or no /proc: the model stays unknown.
        }

        return "";
    }
}
