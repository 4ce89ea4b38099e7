package dev.serverlesskit.constructs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;
import software.constructs.IConstruct;

/**
 * Pass-through of an aws-cdk-lib props object (such as {@code TableProps} or {@code FunctionOptions}) onto the L2
 * builder the library uses, in the style of aws-solutions-constructs: every prop the caller set is copied, so props
 * the library has no opinion on (and props aws-cdk-lib adds later) reach the resource without a library release.
 * Props the library owns are refused with the prop to use instead; secure defaults are checked by the construct
 * before the copy.
 */
final class PassThrough {
    private PassThrough() {
    }

    /** The props set in {@code props} (non-null getters of {@code type}), by name ("stream", "tracing"). */
    static Map<String, Object> setProps(Object props, Class<?> type) {
        Map<String, Object> set = new TreeMap<>();
        if (props == null) {
            return set;
        }
        for (Method getter : type.getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = invoke(getter, props);
            if (value != null) {
                String name = getter.getName().substring(3);
                set.put(Character.toLowerCase(name.charAt(0)) + name.substring(1), value);
            }
        }
        return set;
    }

    /**
     * Fails naming {@code prefix.name} when the caller set a prop the library owns; {@code owned} maps each such
     * prop to what to use instead.
     */
    static void refuseOwned(IConstruct scope, String prefix, Map<String, Object> set, Map<String, String> owned) {
        owned.forEach((name, instead) -> Check.that(scope, !set.containsKey(name), prefix + "." + name
                + " cannot be passed through: " + instead));
    }

    /** Calls {@code builder.name(value)} for every set prop not in {@code skip}. */
    static void copy(IConstruct scope, String prefix, Map<String, Object> set, Object builder,
            java.util.Set<String> skip) {
        set.forEach((name, value) -> {
            if (skip.contains(name)) {
                return;
            }
            Method setter = null;
            for (Method m : builder.getClass().getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 1
                        && m.getParameterTypes()[0].isInstance(value)) {
                    setter = m;
                    break;
                }
            }
            Check.that(scope, setter != null, prefix + "." + name + " is not supported by "
                    + builder.getClass().getName());
            invoke(setter, builder, value);
        });
    }

    private static Object invoke(Method m, Object target, Object... args) {
        try {
            return m.invoke(target, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
