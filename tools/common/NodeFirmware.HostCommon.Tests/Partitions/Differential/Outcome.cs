using System.Security.Cryptography;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Tests.Partitions.Differential;

/// <summary>What one conversion gave: the output file (binary table or CSV text) or the kind of refusal, plus what was said.</summary>
internal sealed record Outcome(byte[]? Output, PartitionRefusal? Kind, string Detail)
{
    /// <summary>As the manifest records it: "bin" (CSV in, binary out), "csv:&lt;sha256 of the text&gt;" (binary in), "refused:&lt;Kind&gt;".</summary>
    public string Describe(bool binaryInput) =>
        Output == null ? $"refused:{Kind?.ToString() ?? "unclassified"}"
        : binaryInput ? "csv:" + Convert.ToHexStringLower(SHA256.HashData(Output)) : "bin";
}
