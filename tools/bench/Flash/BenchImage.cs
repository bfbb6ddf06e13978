using System.Runtime.InteropServices;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// The image both flashers write: 1.5 MB of a real machine-code binary (the code section of the .NET runtime's JIT,
/// an ELF shared library, found on every machine that can run the benchmark) unless --image FILE names another,
/// e.g. a real ESP32 application image. Real code, symbol and data tables compress like firmware does; random
/// bytes or zeros would not.
/// </summary>
public static class BenchImage
{
    public static (byte[] Data, string Source) Load(string? path, int size)
    {
        if (path is not null)
        {
            var bytes = File.ReadAllBytes(path);
            return (Fit(bytes, size), Path.GetFileName(path));
        }

        // The JIT's machine code (from a quarter into the file, inside .text) deflates to about 47 %, close to
        // ESP32 application images (about 55-65 %); the start of libcoreclr.so (symbol tables) would give 32 %.
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        foreach (string name in new[] { "libclrjit.so", "libcoreclr.so", "libclrjit.dylib", "clrjit.dll" })
        {
            string candidate = Path.Combine(runtime, name);
            if (File.Exists(candidate) && new FileInfo(candidate).Length >= size)
            {
                var bytes = File.ReadAllBytes(candidate);
                int from = Math.Min(bytes.Length / 4, bytes.Length - size);
                return (bytes.AsSpan(from, size).ToArray(), $"{name}@0x{from:X}");
            }
        }

        throw new FileNotFoundException($"no runtime binary of at least {size} bytes in {runtime}; pass --image FILE");
    }

    /// <summary>The first <paramref name="size"/> bytes; a smaller file is repeated to fill them.</summary>
    private static byte[] Fit(byte[] bytes, int size)
    {
        if (bytes.Length == 0)
        {
            throw new InvalidDataException("the image file is empty");
        }

        var data = new byte[size];
        for (int at = 0; at < size; at += bytes.Length)
        {
            bytes.AsSpan(0, Math.Min(bytes.Length, size - at)).CopyTo(data.AsSpan(at));
        }

        return data;
    }
}
