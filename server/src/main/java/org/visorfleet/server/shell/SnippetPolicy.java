package org.visorfleet.server.shell;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.util.Optional;
import java.util.Set;

/**
 * Which classes and members snippet code may use; deny by default. Every class the shell's JShell
 * compiles (snippet wrappers, the technician's own classes, their nested and local classes) is
 * checked before it is loaded: each class and each field or method its constant pool refers to must
 * be allowed here. Lambdas, records, string concatenation and pattern switches work because their
 * bootstrap methods are allowed; nothing else of {@code java.lang.invoke} is.
 *
 * <p>Allowed: {@code java.lang} basics (strings, boxes, math, exceptions, records, enums; of
 * {@code System} only the streams, clocks, {@code arraycopy}, {@code identityHashCode} and
 * {@code lineSeparator}; of {@code Class} only names and casts; of {@code Thread} only
 * {@code sleep}), {@code java.util} and its function, stream and regex packages (without parallel
 * streams, timers, service loaders and formatters, which start threads, load code or write files),
 * a few thread-safe collections of {@code java.util.concurrent}, {@code java.time}, {@code java.math},
 * {@code java.text}, {@code java.io.PrintStream} and the fleet model's public types.
 */
final class SnippetPolicy {

    /** Classes compiled by JShell: its wrappers and everything a technician declares. */
    private static final String SNIPPET_PACKAGE = "REPL/";

    private static final String MODEL = "org/visorfleet/server/shell/fleet/";
    private static final Set<String> MODEL_TYPES = Set.of(
            "Fleet", "Client", "Group", "Job", "Event", "Technician", "Command", "CommandResult", "FleetException");

    private static final Set<String> LANG_CLASSES = Set.of(
            "Object",
            "String",
            "StringBuilder",
            "StringBuffer",
            "CharSequence",
            "Character",
            "Boolean",
            "Byte",
            "Short",
            "Integer",
            "Long",
            "Float",
            "Double",
            "Number",
            "Math",
            "StrictMath",
            "Comparable",
            "Iterable",
            "AutoCloseable",
            "Runnable",
            "Record",
            "Enum",
            "Enum$EnumDesc",
            "Void",
            "Throwable",
            "Error",
            "AssertionError",
            "StackOverflowError",
            "OutOfMemoryError",
            "Override",
            "Deprecated",
            "FunctionalInterface",
            "SafeVarargs",
            "SuppressWarnings",
            "Appendable",
            "Readable",
            "Cloneable",
            "MatchException",
            "Character$UnicodeBlock",
            "Character$UnicodeScript");

    private static final Set<String> SYSTEM_MEMBERS =
            Set.of("out", "err", "currentTimeMillis", "nanoTime", "arraycopy", "identityHashCode", "lineSeparator");
    private static final Set<String> CLASS_MEMBERS = Set.of(
            "getName",
            "getSimpleName",
            "getTypeName",
            "isInstance",
            "cast",
            "isArray",
            "isEnum",
            "isRecord",
            "isInterface",
            "isPrimitive",
            "desiredAssertionStatus",
            "toString",
            "hashCode",
            "equals");

    /** The bootstrap methods javac's lambdas, records, string concatenation and switches call. */
    private static final Set<String> BOOTSTRAPS = Set.of(
            "java/lang/invoke/LambdaMetafactory.metafactory",
            "java/lang/invoke/LambdaMetafactory.altMetafactory",
            "java/lang/invoke/StringConcatFactory.makeConcatWithConstants",
            "java/lang/invoke/StringConcatFactory.makeConcat",
            "java/lang/runtime/ObjectMethods.bootstrap",
            "java/lang/runtime/SwitchBootstraps.typeSwitch",
            "java/lang/runtime/SwitchBootstraps.enumSwitch",
            "java/lang/invoke/ConstantBootstraps.invoke",
            "java/lang/invoke/ConstantBootstraps.nullConstant",
            "java/lang/invoke/ConstantBootstraps.primitiveClass",
            "java/lang/invoke/ConstantBootstraps.getStaticFinal");

    /** Members that change the whole server's state or read its configuration. */
    private static final Set<String> GLOBAL_STATE = Set.of(
            "java/util/Locale.setDefault",
            "java/util/TimeZone.setDefault",
            "java/lang/Integer.getInteger",
            "java/lang/Long.getLong",
            "java/lang/Boolean.getBoolean");

    private static final Set<String> UTIL_REFUSED = Set.of(
            "java/util/Timer",
            "java/util/TimerTask",
            "java/util/ServiceLoader",
            "java/util/ResourceBundle",
            "java/util/Formatter",
            "java/util/Scanner",
            "java/time/zone/ZoneRulesProvider");
    private static final Set<String> UTIL_PACKAGES = Set.of(
            "java/util/",
            "java/util/function/",
            "java/util/stream/",
            "java/util/regex/",
            "java/util/random/",
            "java/util/concurrent/atomic/",
            "java/time/",
            "java/time/format/",
            "java/time/temporal/",
            "java/time/chrono/",
            "java/time/zone/",
            "java/math/",
            "java/text/",
            "java/lang/constant/");
    private static final Set<String> CONCURRENT_CLASSES = Set.of(
            "ConcurrentHashMap",
            "ConcurrentMap",
            "ConcurrentLinkedQueue",
            "ConcurrentLinkedDeque",
            "ConcurrentSkipListMap",
            "ConcurrentSkipListSet",
            "CopyOnWriteArrayList",
            "CopyOnWriteArraySet",
            "TimeUnit",
            "ThreadLocalRandom",
            "Callable",
            "TimeoutException",
            "ExecutionException",
            "CancellationException");

    /** Parses {@code bytes} and returns why the class may not run in the shell, or empty if it may. */
    Optional<String> check(byte[] bytes) {
        ClassModel model = ClassFile.of().parse(bytes);
        for (PoolEntry entry : model.constantPool()) {
            Optional<String> refused =
                    switch (entry) {
                        case MemberRefEntry member ->
                            checkMember(
                                    member.owner().asInternalName(),
                                    member.name().stringValue());
                        case ClassEntry type -> checkClass(type.asInternalName());
                        default -> Optional.empty();
                    };
            if (refused.isPresent()) {
                return refused;
            }
        }
        for (MethodModel method : model.methods()) {
            Optional<CodeModel> code = method.code();
            if (code.isPresent() && code.get().elementStream().anyMatch(e -> e instanceof NewMultiArrayInstruction)) {
                // its lengths cannot be checked cheaply before the allocation (SnippetRewriter checks the others)
                return Optional.of("new T[a][b] is not available in the fleet shell; make the rows one by one");
            }
        }
        return Optional.empty();
    }

    Optional<String> checkMember(String owner, String name) {
        String type = elementType(owner);
        if (BOOTSTRAPS.contains(type + "." + name)) {
            return Optional.empty();
        }
        Optional<String> refused = checkClass(type);
        if (refused.isPresent()) {
            return refused;
        }
        String member = shortName(type) + "." + name;
        if (GLOBAL_STATE.contains(type + "." + name)) {
            return refuse(member);
        }
        return switch (type) {
            case "java/lang/System" -> SYSTEM_MEMBERS.contains(name) ? Optional.empty() : refuse(member);
            case "java/io/PrintStream" ->
                name.equals("<init>")
                        ? Optional.of(
                                "new PrintStream(...) is not available in the fleet shell (no files); use System.out")
                        : Optional.empty();
            case "java/lang/Class" -> CLASS_MEMBERS.contains(name) ? Optional.empty() : reflection(member);
            case "java/lang/Thread" -> name.equals("sleep") ? Optional.empty() : threads(member);
            default -> {
                if (type.startsWith("java/lang/invoke/") || type.startsWith("java/lang/runtime/")) {
                    yield Optional.of("java.lang.invoke (" + member + ") is not available in the fleet shell");
                }
                if (type.startsWith("java/util/") && name.startsWith("parallel")) {
                    yield Optional.of("parallel streams (" + member + ") are not available in the fleet shell");
                }
                yield Optional.empty();
            }
        };
    }

    Optional<String> checkClass(String internalName) {
        String type = elementType(internalName);
        if (type.length() == 1 || type.startsWith(SNIPPET_PACKAGE)) {
            return Optional.empty(); // a primitive array, or the technician's own code
        }
        String pkg = type.substring(0, type.lastIndexOf('/') + 1);
        String simple = type.substring(pkg.length());
        return switch (pkg) {
            case "java/lang/" -> {
                if (LANG_CLASSES.contains(simple)
                        || simple.endsWith("Exception")
                        || simple.equals("System")
                        || simple.equals("Class")) {
                    yield Optional.empty();
                }
                yield switch (simple) {
                    case "Runtime", "Runtime$Version" ->
                        Optional.of("java.lang.Runtime is not available in the fleet shell (it could stop the server)");
                    case "Process", "ProcessBuilder", "ProcessHandle" ->
                        Optional.of("processes (java.lang." + simple + ") are not available in the fleet shell");
                    case "ClassLoader", "Module", "ModuleLayer", "StackWalker" -> reflection("java.lang." + simple);
                    default ->
                        simple.startsWith("Thread")
                                // a Thread is only a type until a member of it is used (checked there)
                                ? simple.equals("Thread") ? Optional.empty() : threads("java.lang." + simple)
                                : refuse("java.lang." + simple);
                };
            }
            case "java/lang/reflect/" -> Optional.of("java.lang.reflect is not available in the fleet shell");
            case "java/lang/invoke/", "java/lang/runtime/" -> Optional.empty(); // types of bootstraps; members checked
            case "java/io/" ->
                simple.equals("PrintStream")
                                || simple.equals("Serializable")
                                || simple.equals("IOException")
                                || simple.equals("UncheckedIOException")
                        ? Optional.empty()
                        : Optional.of("java.io." + simple + " is not available in the fleet shell (no files)");
            case "java/util/concurrent/" ->
                CONCURRENT_CLASSES.contains(simple) ? Optional.empty() : threads("java.util.concurrent." + simple);
            case MODEL -> MODEL_TYPES.contains(simple) ? Optional.empty() : refuse(dotted(type));
            default -> {
                if (UTIL_REFUSED.contains(type)) {
                    yield refuse(dotted(type));
                }
                yield UTIL_PACKAGES.contains(pkg) ? Optional.empty() : refuse(dotted(type));
            }
        };
    }

    private static Optional<String> refuse(String what) {
        return Optional.of(what + " is not available in the fleet shell");
    }

    private static Optional<String> reflection(String what) {
        return Optional.of("reflection (" + what + ") is not available in the fleet shell");
    }

    private static Optional<String> threads(String what) {
        return Optional.of("threads (" + what + ") are not available in the fleet shell");
    }

    /** {@code [[Ljava/lang/String;} → {@code java/lang/String}; {@code [I} → {@code I}. */
    private static String elementType(String internalName) {
        String name = internalName;
        while (name.startsWith("[")) {
            name = name.substring(1);
        }
        return name.startsWith("L") && name.endsWith(";") ? name.substring(1, name.length() - 1) : name;
    }

    /** {@code java/lang/System} → {@code System}, other names dotted in full. */
    private static String shortName(String internalName) {
        return internalName.startsWith("java/lang/") && internalName.indexOf('/', 10) < 0
                ? internalName.substring(10)
                : dotted(internalName);
    }

    private static String dotted(String internalName) {
        return internalName.replace('/', '.');
    }
}
