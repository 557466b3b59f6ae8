using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Hearth.Worker.Sandboxing;

/// <summary>
/// The classic-BPF seccomp program every sandbox runs under, as bubblewrap's <c>--seccomp FD</c> takes it (an array
/// of <c>struct sock_filter</c>). It refuses, with EPERM, what no instance or job needs and what the kernel's attack
/// surface is made of: new user namespaces (<c>unshare</c> or <c>clone</c> with <c>CLONE_NEWUSER</c>; <c>clone3</c>,
/// whose flags a filter cannot read, answers ENOSYS so the C library falls back to <c>clone</c>), <c>setns</c>, the
/// key rings, <c>bpf</c>, <c>ptrace</c> and reading or writing another process's memory, mounting, kernel modules and
/// <c>kexec</c>, <c>perf_event_open</c> and <c>userfaultfd</c>. Syscalls of another ABI than the machine's (32-bit x86
/// or x32 on x86-64) are refused outright, so the list cannot be dodged through their other numbers.
/// </summary>
internal static class SeccompFilter
{
    private const ushort LoadWordAbsolute = 0x20;
    private const ushort JumpIfEqual = 0x15;
    private const ushort JumpIfAtLeast = 0x35;
    private const ushort JumpIfBitsSet = 0x45;
    private const ushort Return = 0x06;
    private const uint Allow = 0x7fff0000;
    private const uint Errno = 0x00050000;
    private const uint EPerm = 1;
    private const uint ENoSys = 38;
    private const uint CloneNewUser = 0x10000000;
    private const uint X32SyscallBit = 0x40000000;

    // struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6] (little-endian: the low half first).
    private const uint NumberOffset = 0;
    private const uint ArchOffset = 4;
    private const uint FirstArgumentOffset = 16;

    private sealed record Abi(uint AuditArch, bool X32Bit, uint CloneNumber, uint Unshare, uint Clone3, uint[] Refused);

    private static readonly Abi X64 = new(
        0xC000003E, true, CloneNumber: 56, Unshare: 272, Clone3: 435,
        [
            101, // ptrace
            165, 166, 155, // mount, umount2, pivot_root
            175, 176, 313, // init_module, delete_module, finit_module
            246, 320, // kexec_load, kexec_file_load
            248, 249, 250, // add_key, request_key, keyctl
            298, 321, 323, // perf_event_open, bpf, userfaultfd
            308, 310, 311, // setns, process_vm_readv, process_vm_writev
            428, 429, 430, 431, 432, 433, 442, // open_tree, move_mount, fsopen, fsconfig, fsmount, fspick, mount_setattr
        ]);

    private static readonly Abi Arm64 = new(
        0xC00000B7, false, CloneNumber: 220, Unshare: 97, Clone3: 435,
        [
            117, // ptrace
            40, 39, 41, // mount, umount2, pivot_root
            105, 106, 273, // init_module, delete_module, finit_module
            104, 294, // kexec_load, kexec_file_load
            217, 218, 219, // add_key, request_key, keyctl
            241, 280, 282, // perf_event_open, bpf, userfaultfd
            268, 270, 271, // setns, process_vm_readv, process_vm_writev
            428, 429, 430, 431, 432, 433, 442,
        ]);

    /// <summary>The program for this machine's architecture, as bytes; null on an architecture it does not know.</summary>
    public static byte[]? ForThisMachine() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => Compile(X64),
        Architecture.Arm64 => Compile(Arm64),
        _ => null,
    };

    /// <summary>Writes the program to <paramref name="path"/> (readable by the worker only) and returns the path; null when there is none.</summary>
    public static string? WriteTo(string path)
    {
        if (ForThisMachine() is not { } program)
        {
            return null;
        }

        File.WriteAllBytes(path, program);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }

    private static byte[] Compile(Abi abi)
    {
        // Laid out as: checks, then the shared tails, so every jump goes forward by a known count.
        var checks = new List<(ushort Code, uint K, string? IfTrue, string? IfFalse)>
        {
            (LoadWordAbsolute, ArchOffset, null, null),
            (JumpIfEqual, abi.AuditArch, null, "deny"),
            (LoadWordAbsolute, NumberOffset, null, null),
        };
        if (abi.X32Bit)
        {
            checks.Add((JumpIfAtLeast, X32SyscallBit, "deny", null));
        }

        checks.Add((JumpIfEqual, abi.Clone3, "nosys", null));
        checks.Add((JumpIfEqual, abi.CloneNumber, "flags", null));
        checks.Add((JumpIfEqual, abi.Unshare, "flags", null));
        foreach (var number in abi.Refused)
        {
            checks.Add((JumpIfEqual, number, "deny", null));
        }

        var tails = new List<(string? Label, ushort Code, uint K, string? IfTrue, string? IfFalse)>
        {
            (null, Return, Allow, null, null),
            ("flags", LoadWordAbsolute, FirstArgumentOffset, null, null),
            (null, JumpIfBitsSet, CloneNewUser, "deny", null),
            (null, Return, Allow, null, null),
            ("deny", Return, Errno | EPerm, null, null),
            ("nosys", Return, Errno | ENoSys, null, null),
        };

        var program = checks.Select(c => (Label: (string?)null, c.Code, c.K, c.IfTrue, c.IfFalse)).Concat(tails).ToList();
        var at = program.Select((p, i) => (p.Label, i)).Where(p => p.Label is not null).ToDictionary(p => p.Label!, p => p.i);
        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++)
        {
            var (_, code, k, ifTrue, ifFalse) = program[i];
            var span = bytes.AsSpan(i * 8, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(span, code);
            span[2] = Offset(i, ifTrue, at);
            span[3] = Offset(i, ifFalse, at);
            BinaryPrimitives.WriteUInt32LittleEndian(span[4..], k);
        }

        return bytes;
    }

    /// <summary>A conditional jump counts from the instruction after it; no label means fall through.</summary>
    private static byte Offset(int from, string? label, Dictionary<string, int> at) =>
        label is null ? (byte)0 : checked((byte)(at[label] - from - 1));
}
