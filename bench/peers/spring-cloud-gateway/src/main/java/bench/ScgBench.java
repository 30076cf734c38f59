package bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Spring Cloud Gateway with the one bare route of application.yml. */
@SpringBootApplication
public class ScgBench {
  public static void main(String[] args) {
    SpringApplication.run(ScgBench.class, args);
  }
}
