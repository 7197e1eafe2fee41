package org.visorfleet.server.shell;

import java.io.PrintStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.HashSet;
import java.util.Set;

/**
 * Weaves {@link SnippetGuard} into snippet classes: a checkpoint call at each method entry, before
 * each backward branch and at each exception handler (so a loop, a recursion or a {@code catch
 * (Throwable t)} cannot outlive a stop), a length check before each one-dimensional array is made,
 * and reads of {@code System.out}/{@code System.err} (and {@code printStackTrace()}) go to the
 * session's streams. Runs after {@link SnippetPolicy} has accepted the class.
 */
final class SnippetRewriter {

    private static final ClassDesc GUARD = ClassDesc.of(SnippetGuard.class.getName());
    private static final ClassDesc SYSTEM = ClassDesc.of("java.lang.System");
    private static final MethodTypeDesc VOID = MethodTypeDesc.of(ConstantDescs.CD_void);
    private static final MethodTypeDesc LENGTH = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int);
    private static final MethodTypeDesc PRINT_TRACE =
            MethodTypeDesc.of(ConstantDescs.CD_void, ClassDesc.of(Throwable.class.getName()));
    private static final MethodTypeDesc STREAM = MethodTypeDesc.of(ClassDesc.of(PrintStream.class.getName()));

    /**
     * Rewrites one class. {@code hierarchy} must know the snippet classes loaded so far and those of
     * the same batch: the stack maps are computed again and need their superclasses.
     */
    byte[] rewrite(byte[] bytes, ClassHierarchyResolver hierarchy) {
        ClassFile files = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(hierarchy));
        ClassModel model = files.parse(bytes);
        return files.transformClass(model, (ClassTransform) (classBuilder, element) -> {
            if (element instanceof MethodModel method) {
                classBuilder.transformMethod(method, (methodBuilder, part) -> {
                    if (part instanceof CodeModel code) {
                        methodBuilder.transformCode(code, new Guard(handlers(code)));
                    } else {
                        methodBuilder.with(part);
                    }
                });
            } else {
                classBuilder.with(element);
            }
        });
    }

    private static Set<Label> handlers(CodeModel code) {
        Set<Label> out = new HashSet<>();
        for (ExceptionCatch handler : code.exceptionHandlers()) {
            out.add(handler.handler());
        }
        return out;
    }

    /** One method body's transform; it remembers the labels already passed to spot backward branches. */
    private static final class Guard implements CodeTransform {
        private final Set<Label> handlers;
        private final Set<Label> passed = new HashSet<>();

        Guard(Set<Label> handlers) {
            this.handlers = handlers;
        }

        @Override
        public void atStart(CodeBuilder builder) {
            checkpoint(builder);
        }

        @Override
        public void accept(CodeBuilder builder, CodeElement element) {
            switch (element) {
                case LabelTarget target -> {
                    builder.with(element);
                    passed.add(target.label());
                    if (handlers.contains(target.label())) {
                        checkpoint(builder);
                    }
                }
                case BranchInstruction branch
                when passed.contains(branch.target()) -> {
                    checkpoint(builder);
                    builder.with(element);
                }
                case FieldInstruction field
                when field.opcode() == Opcode.GETSTATIC
                        && field.owner().asSymbol().equals(SYSTEM)
                        && (field.name().equalsString("out") || field.name().equalsString("err")) ->
                    builder.invokestatic(GUARD, field.name().stringValue(), STREAM);
                case NewPrimitiveArrayInstruction array -> {
                    checkLength(builder);
                    builder.with(array);
                }
                case NewReferenceArrayInstruction array -> {
                    checkLength(builder);
                    builder.with(array);
                }
                case InvokeInstruction invoke
                when invoke.opcode() == Opcode.INVOKEVIRTUAL
                        && invoke.name().equalsString("printStackTrace")
                        && invoke.type().equalsString("()V") ->
                    builder.invokestatic(GUARD, "printStackTrace", PRINT_TRACE);
                default -> builder.with(element);
            }
        }

        /** The length is on top of the stack: check a copy of it. */
        private static void checkLength(CodeBuilder builder) {
            builder.dup();
            builder.invokestatic(GUARD, "arrayLength", LENGTH);
        }

        private static void checkpoint(CodeBuilder builder) {
            builder.invokestatic(GUARD, "check", VOID);
        }
    }
}
