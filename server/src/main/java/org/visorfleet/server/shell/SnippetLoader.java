package org.visorfleet.server.shell;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.classfile.ClassHierarchyResolver;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;

/**
 * Loads one session's snippet classes: each batch JShell hands over is checked against the
 * {@link SnippetPolicy} (one refused class refuses the whole batch, so nothing of it is defined),
 * rewritten by the {@link SnippetRewriter}, then defined in the session's own class loader, whose
 * parent is the loader of the fleet model. The compile class path is given to JShell separately,
 * so {@link #addToClasspath} adds nothing here.
 */
final class SnippetLoader implements LoaderDelegate {

    private final SnippetPolicy policy = new SnippetPolicy();
    private final SnippetRewriter rewriter = new SnippetRewriter();
    /** Original bytes by binary name, for the stack-map computation of later classes. */
    private final Map<String, byte[]> originals = new ConcurrentHashMap<>();

    private final Map<String, byte[]> rewritten = new ConcurrentHashMap<>();
    private final Loader loader;
    private final ClassHierarchyResolver hierarchy;
    private volatile String refusal;

    SnippetLoader(ClassLoader parent) {
        this.loader = new Loader(parent);
        this.hierarchy = ClassHierarchyResolver.ofResourceParsing(desc -> {
                    String internal = desc.descriptorString()
                            .substring(1, desc.descriptorString().length() - 1);
                    byte[] bytes = originals.get(internal.replace('/', '.'));
                    return bytes != null
                            ? new ByteArrayInputStream(bytes)
                            : parent.getResourceAsStream(internal + ".class");
                })
                .orElse(ClassHierarchyResolver.defaultResolver());
    }

    /** Why the last refused batch was refused, cleared by reading it. */
    Optional<String> takeRefusal() {
        String reason = refusal;
        refusal = null;
        return Optional.ofNullable(reason);
    }

    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException {
        for (ClassBytecodes c : classes) {
            Optional<String> refused = policy.check(c.bytecodes());
            if (refused.isPresent()) {
                refusal = refused.get();
                throw new ClassInstallException(refused.get(), new boolean[classes.length]);
            }
        }
        for (ClassBytecodes c : classes) {
            originals.put(c.name(), c.bytecodes());
        }
        boolean[] installed = new boolean[classes.length];
        try {
            for (ClassBytecodes c : classes) {
                rewritten.put(c.name(), rewriter.rewrite(c.bytecodes(), hierarchy));
            }
            for (int i = 0; i < classes.length; i++) {
                loader.loadClass(classes[i].name());
                installed[i] = true;
            }
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            throw new ClassInstallException("cannot load snippet class: " + e, installed);
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] classes) {
        // redefinition is not supported by this engine (DirectExecutionControl refuses it first)
    }

    @Override
    public void addToClasspath(String path) {
        // the model comes from the parent loader; JShell compiles against the path it was given
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        return loader.loadClass(name);
    }

    /** Defines the rewritten classes; everything else comes from the parent. */
    private final class Loader extends ClassLoader {
        Loader(ClassLoader parent) {
            super("fleet-shell", parent);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = rewritten.get(name);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            return null; // snippets read no resources
        }
    }
}
