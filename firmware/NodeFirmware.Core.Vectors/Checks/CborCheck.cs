using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// hex: one encoded data item. Core's reader decodes it to diagnostic notation, and Core's writer must
    /// encode that notation back to the same bytes. Expect: the diagnostic notation, or "rejected" when the
    /// reader refuses the input (malformed, or outside what Core accepts). With "op: skip" the case runs
    /// <see cref="CborReader.SkipValue"/> instead: "skipped N" (bytes) or "rejected".
    /// </summary>
    public static class CborCheck
    {
        public static string Compute(Vector v)
        {
            byte[] encoded = v.Bytes("hex");
            if (v.TextOr("op", "decode") == "skip") return Skip(encoded);
            string diagnostic;
            try
            {
                var r = new CborReader(encoded);
                diagnostic = CborDiagnostic.Read(r);
                if (!r.AtEnd) return "rejected";
            }
            catch (CborException)
            {
                return "rejected";
            }
            if (diagnostic.IndexOf("skip(") >= 0) return diagnostic;
            byte[] again = CborDiagnostic.Write(diagnostic);
            string hex = HexText.Encode(again);
            return hex == HexText.Encode(encoded) ? diagnostic : diagnostic + " re-encodes as " + hex;
        }

        private static string Skip(byte[] encoded)
        {
            try
            {
                var r = new CborReader(encoded);
                r.SkipValue();
                return r.AtEnd ? "skipped " + r.Position : "rejected";
            }
            catch (CborException)
            {
                return "rejected";
            }
        }
    }
}
