using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace NodeFirmware.Core.Tests.Rules;

/// <summary>
/// Reads the IL of every static constructor (which holds the static field initializers too) in an assembly and
/// lists what the rule in docs/firmware-core-rules.md forbids there: any call other than the one that fills an
/// array literal, any object creation, and any read of a static field. What remains allowed is constants,
/// string literals and arrays of them, stored into the type's own static fields: nothing that depends on
/// which static constructor nanoCLR happens to run first.
/// </summary>
public static class StaticInitializerInspector
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>One line per forbidden instruction: "Type: what it does".</summary>
    public static IReadOnlyList<string> Violations(string assemblyPath, string namespacePrefix)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var found = new List<string>();
        foreach (TypeDefinitionHandle th in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(th);
            string typeName = FullName(md, th);
            if (!typeName.StartsWith(namespacePrefix, StringComparison.Ordinal)) continue;
            foreach (MethodDefinitionHandle mh in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(mh);
                if (md.GetString(method.Name) != ".cctor" || method.RelativeVirtualAddress == 0) continue;
                MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
                foreach (string v in Inspect(md, body.GetILReader(), th)) found.Add(typeName + ": " + v);
            }
        }
        return found;
    }

    private static IEnumerable<string> Inspect(MetadataReader md, BlobReader il, TypeDefinitionHandle owner)
    {
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
            OpCode op = OpCodesByValue[value];
            if (op.OperandType == OperandType.InlineSwitch)
            {
                int n = il.ReadInt32();
                il.Offset += 4 * n;
                continue;
            }
            int operandSize = OperandSize(op.OperandType);
            if (operandSize != 4 || !IsTokenOperand(op.OperandType))
            {
                il.Offset += operandSize;
                if (op == OpCodes.Newobj) yield return "creates an object";
                continue;
            }
            EntityHandle token = MetadataTokens.EntityHandle(il.ReadInt32());
            if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj || op == OpCodes.Ldftn)
            {
                string target = MemberName(md, token);
                if (target != "System.Runtime.CompilerServices.RuntimeHelpers.InitializeArray")
                    yield return (op == OpCodes.Newobj ? "creates an object with " : "calls ") + target;
            }
            else if (op == OpCodes.Ldsfld || op == OpCodes.Ldsflda)
            {
                yield return "reads static field " + MemberName(md, token);
            }
            else if (op == OpCodes.Stsfld && !IsOwnField(md, token, owner))
            {
                yield return "writes static field " + MemberName(md, token) + " of another type";
            }
        }
    }

    private static bool IsTokenOperand(OperandType t) =>
        t is OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType;

    private static int OperandSize(OperandType t) => t switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    private static bool IsOwnField(MetadataReader md, EntityHandle token, TypeDefinitionHandle owner) =>
        token.Kind == HandleKind.FieldDefinition
        && md.GetFieldDefinition((FieldDefinitionHandle)token).GetDeclaringType() == owner;

    private static string MemberName(MetadataReader md, EntityHandle token)
    {
        switch (token.Kind)
        {
            case HandleKind.MethodDefinition:
                var m = md.GetMethodDefinition((MethodDefinitionHandle)token);
                return FullName(md, m.GetDeclaringType()) + "." + md.GetString(m.Name);
            case HandleKind.FieldDefinition:
                var f = md.GetFieldDefinition((FieldDefinitionHandle)token);
                return FullName(md, f.GetDeclaringType()) + "." + md.GetString(f.Name);
            case HandleKind.MemberReference:
                var r = md.GetMemberReference((MemberReferenceHandle)token);
                return ParentName(md, r.Parent) + "." + md.GetString(r.Name);
            case HandleKind.MethodSpecification:
                return MemberName(md, md.GetMethodSpecification((MethodSpecificationHandle)token).Method);
            default:
                return token.Kind.ToString();
        }
    }

    private static string ParentName(MetadataReader md, EntityHandle parent) => parent.Kind switch
    {
        HandleKind.TypeDefinition => FullName(md, (TypeDefinitionHandle)parent),
        HandleKind.TypeReference => TypeReferenceName(md, (TypeReferenceHandle)parent),
        _ => parent.Kind.ToString(),
    };

    private static string TypeReferenceName(MetadataReader md, TypeReferenceHandle h)
    {
        TypeReference t = md.GetTypeReference(h);
        if (t.ResolutionScope.Kind == HandleKind.TypeReference)
            return TypeReferenceName(md, (TypeReferenceHandle)t.ResolutionScope) + "+" + md.GetString(t.Name);
        string ns = md.GetString(t.Namespace);
        return (ns.Length > 0 ? ns + "." : "") + md.GetString(t.Name);
    }

    private static string FullName(MetadataReader md, TypeDefinitionHandle h)
    {
        TypeDefinition t = md.GetTypeDefinition(h);
        TypeDefinitionHandle outer = t.GetDeclaringType();
        if (!outer.IsNil) return FullName(md, outer) + "+" + md.GetString(t.Name);
        string ns = md.GetString(t.Namespace);
        return (ns.Length > 0 ? ns + "." : "") + md.GetString(t.Name);
    }
}
