package dev.serverlesskit.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EnvRedirectTest {
    /** Reads the environment the way handlers and the AWS SDK do. */
    public static final class ReadsEnv implements Supplier<String> {
        @Override
        public String get() {
            return System.getenv("FUNCTION_ONLY") + "|" + System.getenv().get("FUNCTION_ONLY") + "|"
                    + System.getProperty("java.version").isEmpty();
        }
    }

    /** Defines ReadsEnv (rewritten) and the shim in an isolated loader, as FunctionClassLoader does. */
    static final class Isolated extends ClassLoader {
        Isolated() {
            super(ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            try (InputStream in = EnvRedirectTest.class.getClassLoader()
                    .getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = EnvRedirect.rewrite(in.readAllBytes());
                return defineClass(name, bytes, 0, bytes.length);
            } catch (java.io.IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void getenvCallsSeeTheFunctionEnvironmentOnly() throws Exception {
        Isolated loader = new Isolated();
        loader.loadClass("dev.serverlesskit.local.shim.FunctionEnvironment").getMethod("install", Map.class)
                .invoke(null, Map.of("FUNCTION_ONLY", "mine"));
        Supplier<String> reads = (Supplier<String>) loader.loadClass(ReadsEnv.class.getName())
                .getDeclaredConstructor().newInstance();
        assertThat(reads.get()).isEqualTo("mine|mine|false");
        assertThat(new ReadsEnv().get()).startsWith("null|null|"); // the runtime's own copy is untouched
    }

    @Test
    void classesWithoutGetenvAreUnchanged() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(
                Method.class.getName().replace('.', '/') + ".class")) {
            byte[] bytes = in == null ? new byte[] {1, 2, 3} : in.readAllBytes();
            assertThat(EnvRedirect.rewrite(bytes)).isSameAs(bytes);
        }
    }
}
