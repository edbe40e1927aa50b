package org.veriflow.ml.recipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Entry point of the forked JVM in {@link DeterminismTest}: {@code ReplayMain <recipe.json> <data.csv>
 * <threads>} trains the recipe and prints {@code recipe=<hash> model=<hash>}.
 */
public final class ReplayMain {

    private ReplayMain() {
    }

    public static void main(String[] args) throws IOException {
        Recipe recipe = Recipe.parse(Files.readAllBytes(Path.of(args[0])));
        byte[] data = Files.readAllBytes(Path.of(args[1]));
        try (Parallelism parallelism = Parallelism.threads(Integer.parseInt(args[2]))) {
            TrainingRun run = RecipeRunner.run(recipe, data, parallelism, TrainingListener.none());
            System.out.println("recipe=" + run.recipeHash().hex() + " model=" + run.modelHash().hex());
        }
    }
}
