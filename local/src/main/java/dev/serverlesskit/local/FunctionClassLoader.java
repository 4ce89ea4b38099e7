package dev.serverlesskit.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Map;

/**
 * The class loader of one function: its own asset jar only, on top of the JDK's platform classes, so nothing of the
 * runtime (its Jackson, its AWS SDK) is visible to the function and no two functions share a class or a static, as
 * on Lambda where each function has its own JVM. Classes are defined with {@code System.getenv} redirected to the
 * function's environment ({@link EnvRedirect}). The classes of {@code dev.serverlesskit.local.shim} are defined
 * again in each function's loader from the runtime's own copy (the function's environment, the CRaC API).
 */
final class FunctionClassLoader extends URLClassLoader {
    static {
        ClassLoader.registerAsParallelCapable();
    }

    private static final String SHIM_CLASS = EnvRedirect.SHIM.replace('/', '.');
    /** Classes the runtime gives each function a copy of: its environment and the Lambda runtime's CRaC API. */
    static final String SHIM_PACKAGE = "dev.serverlesskit.local.shim.";

    private final ProtectionDomain domain;

    FunctionClassLoader(String functionName, Path jar) {
        super("function:" + functionName, new URL[] {toUrl(jar)}, ClassLoader.getPlatformClassLoader());
        this.domain = new ProtectionDomain(new CodeSource(toUrl(jar), (Certificate[]) null), null, this, null);
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives the function its environment; must run before any of its classes reads it. */
    void installEnvironment(Map<String, String> environment) {
        try {
            loadClass(SHIM_CLASS).getMethod("install", Map.class).invoke(null, environment);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install the function environment", e);
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded != null) {
                return loaded;
            }
            if (name.startsWith(SHIM_PACKAGE)) {
                byte[] bytes = read(FunctionClassLoader.class.getClassLoader(), name.replace('.', '/') + ".class",
                        name);
                return defineClass(name, bytes, 0, bytes.length, (ProtectionDomain) null);
            }
            String resource = name.replace('.', '/') + ".class";
            URL url = findResource(resource);
            if (url == null) {
                throw new ClassNotFoundException(name);
            }
            byte[] bytes;
            try (InputStream in = url.openStream()) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
            definePackageOf(name);
            byte[] rewritten = EnvRedirect.rewrite(bytes);
            return defineClass(name, rewritten, 0, rewritten.length, domain);
        }
    }

    private void definePackageOf(String className) {
        int dot = className.lastIndexOf('.');
        if (dot > 0) {
            String pkg = className.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException alreadyDefined) {
                    // defined concurrently
                }
            }
        }
    }

    private static byte[] read(ClassLoader loader, String resource, String name) throws ClassNotFoundException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
