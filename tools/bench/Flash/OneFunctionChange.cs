using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// NodeFirmware.Core (the firmware's portable class library, which runs on the device) compiled twice from this
/// checkout's sources with Roslyn, deterministically and with the same options: as it is, and with one method
/// body changed (<see cref="Method"/>: battery millivolts rounded to nearest instead of truncated, a typical
/// one-function bug fix). The two assemblies differ exactly as a rebuild after that edit would.
/// </summary>
public static class OneFunctionChange
{
    public const string Type = "BatteryVoltage";
    public const string Method = "FromAdc";
    public const string Description = "BatteryVoltage.FromAdc rounds to nearest instead of truncating";

    private const string ChangedBody = """
        {
            if (samples <= 0 || maxCount <= 0) return -1;
            long divisor = (long)samples * maxCount;
            long pinMillivolts = (sumOfCounts * fullScaleMillivolts + divisor / 2) / divisor;
            return (int)((pinMillivolts * dividerPermille + 500) / 1000);
        }
        """;

    public static (byte[] Original, byte[] Changed) Build(string repoRoot)
    {
        string source = Path.Combine(repoRoot, "firmware", "NodeFirmware.Core");
        var files = Directory.GetFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(source, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        var options = new CSharpParseOptions(LanguageVersion.CSharp9);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, path: Path.GetRelativePath(source, f))).ToList();
        var changedTrees = trees.Select(ChangeMethod).ToList();
        if (changedTrees.SequenceEqual(trees))
        {
            throw new InvalidOperationException(
                $"{Type}.{Method} is no longer in {source}; pick another method for the bench's one-function change (tools/bench/Flash/OneFunctionChange.cs)");
        }

        return (Compile(trees), Compile(changedTrees));
    }

    private static bool IsBuildOutput(string root, string file)
    {
        string first = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar)[0];
        return first is "bin" or "obj";
    }

    private static SyntaxTree ChangeMethod(SyntaxTree tree)
    {
        var root = tree.GetRoot();
        var method = root.DescendantNodes().OfType<MethodDeclarationSyntax>()
            .FirstOrDefault(m => m.Identifier.Text == Method && m.Parent is ClassDeclarationSyntax c && c.Identifier.Text == Type);
        if (method?.Body is null)
        {
            return tree;
        }

        var body = SyntaxFactory.ParseStatement(ChangedBody) as BlockSyntax
            ?? throw new InvalidOperationException("the changed body does not parse as a block");
        return tree.WithRootAndOptions(root.ReplaceNode(method.Body, body.NormalizeWhitespace()), tree.Options);
    }

    private static byte[] Compile(IEnumerable<SyntaxTree> trees)
    {
        // The runtime's own assemblies only: the app folder holds the msbuild-built NodeFirmware.Core.dll.
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var references = Directory.GetFiles(runtime, "*.dll")
            .Where(IsManagedAssembly)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "NodeFirmware.Core",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true, nullableContextOptions: NullableContextOptions.Disable));
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5);
            throw new InvalidOperationException("NodeFirmware.Core did not compile for the benchmark: " + string.Join("; ", errors));
        }

        return output.ToArray();
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
