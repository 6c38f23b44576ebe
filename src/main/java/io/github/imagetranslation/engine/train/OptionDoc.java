package io.github.imagetranslation.engine.train;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One-line description of a training option, shown by the command line's {@code --help} and usable by any
 * other front end that lists options.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface OptionDoc {

	/** What the option does. */
	String value();

	/** True for options most users never change (listed after the common ones). */
	boolean advanced() default false;
}
